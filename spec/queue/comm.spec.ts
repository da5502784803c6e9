/**
 * The comm specs (spec/shared/comm-{plugin,request,lifecycle}.ts) on the queue executor: a real
 * Redis and two `forkline worker` processes, Comm over the inbox streams.
 */
import { expectWorkersOnly, queueHarness } from '../helpers/queue.js';
import { commPluginOptionSpecs, commPluginSpecs } from '../shared/comm-plugin.js';
import { commRequestSpecs } from '../shared/comm-request.js';
import { commLifecycleSpecs } from '../shared/comm-lifecycle.js';

const harness = queueHarness('comm');
afterEach(() => expectWorkersOnly(harness));

describe('Comm plugin on the queue', () => {
  commPluginSpecs(harness.scheduler);
  commPluginOptionSpecs(harness.scheduler);
});

describe('comm.request() on the queue', () => {
  commRequestSpecs(harness.scheduler);
});

describe('comm lifecycle on the queue', () => {
  commLifecycleSpecs(harness.scheduler);
});
