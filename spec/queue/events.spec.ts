/**
 * The foundation's event-order, run-end, future and plugin specs (spec/shared/run-events.ts,
 * run-end.ts, futures.ts) on the queue executor: a real Redis and two `forkline worker` processes.
 */
import { expectWorkersOnly, queueHarness } from '../helpers/queue.js';
import { runEventSpecs } from '../shared/run-events.js';
import { onCancelledSpecs, runEndSpecs } from '../shared/run-end.js';
import { futureSpecs, pluginSpecs } from '../shared/futures.js';

// A short grace: the calls a timeout cancels spin, and the next test would wait out their default 2 s.
const harness = queueHarness('events', ['--kill-grace-period', '300']);
afterEach(() => expectWorkersOnly(harness));

describe('a run on the queue', () => {
  runEventSpecs(harness.scheduler);
});

describe('ending a run on the queue', () => {
  runEndSpecs(harness.scheduler);
});

describe('onCancelled on the queue', () => {
  onCancelledSpecs(harness.scheduler);
});

describe('futures on the queue', () => {
  futureSpecs(harness.scheduler);
});

describe('plugins on the queue', () => {
  pluginSpecs(harness.scheduler);
});
