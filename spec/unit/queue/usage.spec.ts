/**
 * The queue's remote usage probe (lib/queue/usage.ts) on its own: asks matched to answers, and
 * no probe left waiting when the worker never answers or the call settles. No Redis: the asks
 * are recorded, the answers handed in as the host's inbox would.
 */
import type { ProcessUsage } from '../../../lib/executor.js';
import { answerUsage, UsageAsks, type UsageAsk } from '../../../lib/queue/usage.js';

const usage = (cpuMs: number): ProcessUsage => ({ cpuMs, rssBytes: 1024 });

test('each use of a probe posts its own ask and resolves with the answer that names it', async () => {
  const asks = new UsageAsks();
  const sent: UsageAsk[] = [];
  const probe = asks.probe(7, 'host.7', (ask) => sent.push(ask));
  const [first, second] = [probe(), probe()];
  expect(sent.map((ask) => [ask.k, ask.job])).toEqual([['usage', 'host.7'], ['usage', 'host.7']]);
  expect(sent[0]!.ask).not.toBe(sent[1]!.ask);
  // Answered out of order: each goes to its own ask.
  asks.answered({ k: 'usage', call: 7, ask: sent[1]!.ask, usage: usage(20) });
  asks.answered({ k: 'usage', call: 7, ask: sent[0]!.ask, usage: usage(10) });
  expect(await first).toEqual(usage(10));
  expect(await second).toEqual(usage(20));
});

test('an ask nobody answers resolves undefined after the timeout; one of a settled call at once', async () => {
  const asks = new UsageAsks(30);
  const unanswered = asks.probe(1, 'host.1', () => undefined)();
  const settled = asks.probe(2, 'host.2', () => undefined)();
  const other = asks.probe(3, 'host.3', () => undefined)();
  asks.settled(2);
  expect(await settled).toBeUndefined();
  expect(await unanswered).toBeUndefined();
  asks.settled();
  expect(await other).toBeUndefined();
});

test("the worker answers from its pool's probe, and with undefined when it has none or it fails", async () => {
  const ask: UsageAsk = { k: 'usage', job: 'host.4', ask: 9 };
  expect(await answerUsage(4, ask, () => Promise.resolve(usage(5)))).toEqual({ k: 'usage', call: 4, ask: 9, usage: usage(5) });
  expect(await answerUsage(4, ask, undefined)).toEqual({ k: 'usage', call: 4, ask: 9, usage: undefined });
  expect(await answerUsage(4, ask, () => Promise.reject(new Error('gone')))).toEqual({ k: 'usage', call: 4, ask: 9, usage: undefined });
});
