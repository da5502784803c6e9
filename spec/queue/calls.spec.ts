/**
 * The queue executor end to end: a real Redis, two `forkline worker` processes, and a host whose
 * scheduler is `withQueue()`: results, errors with class/code/cause, events in the local order,
 * cancellation down to the call's AbortSignal, and Comm both ways.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serialize } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { Comm, type Future } from 'forkline';
import { queueOutcomes, withQueue, type QueueOutcome } from 'forkline/queue';
import { eventually, fixture, fixtureModule } from '../helpers.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startWorker, type WorkerProcess } from '../helpers/queue-workers.js';
import type * as Math from '../fixtures/math.js';
import type * as Failures from '../fixtures/failures.js';
import type * as CommTasks from '../fixtures/comm.js';
import type * as Hold from '../fixtures/report-then-hold.js';

const math = fixtureModule<typeof Math>('math.ts');
const failures = fixtureModule<typeof Failures>('failures.ts');
const comm = fixtureModule<typeof CommTasks>('comm.ts');
const hold = fixtureModule<typeof Hold>('report-then-hold.ts');

let redis: TestRedis;
let workers: WorkerProcess[];
const queue = 'calls';

beforeAll(async () => {
  redis = await startRedis();
  workers = await Promise.all([startWorker(redis.url, queue), startWorker(redis.url, queue)]);
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis.stop();
});

const scheduler = () => withQueue({ connection: redis.url, queue });

test('results come back, from both worker processes', async () => {
  const s = scheduler().start();
  try {
    const pid = s.task(math.pid);
    const add = s.task(math.add);
    expect(await add.call(2, 3)).toBe(5);
    // Calls that overlap run on both workers' children.
    const sleeps = await Promise.all([1, 2, 3, 4].map(() => s.task(math.sleep).call(150)));
    expect(sleeps).toEqual([150, 150, 150, 150]);
    const pids = new Set(await Promise.all(Array.from({ length: 6 }, () => pid.call())));
    expect(pids.size).toBeGreaterThanOrEqual(1);
    expect([...pids].every((value) => !workers.some((worker) => worker.pid === value))).toBe(true);
  } finally {
    await s.close();
  }
});

test("errors keep their class, code, cause and properties; the run's events come in the local order", async () => {
  const s = scheduler();
  const validation = s.task(failures.throwValidation);
  const details = s.task(failures.throwWithDetails);
  const seen: string[] = [];
  const errors: unknown[] = [];
  for (const task of [validation, details]) {
    task.on('submitted', () => seen.push('submitted'));
    task.on('done', () => seen.push('done'));
    task.on('exception', (_future, error) => {
      seen.push('exception');
      errors.push(error);
    });
  }
  s.on('start', () => void validation.submit('name'));
  validation.on('exception', () => void details.submit());
  await s.run({ onException: 'continue' });
  expect(seen).toEqual(['submitted', 'done', 'exception', 'submitted', 'done', 'exception']);
  const [first, second] = errors as [Error & { field: string }, TypeError & { code: string; cause: Error; details: unknown }];
  expect(first.name).toBe('ValidationError');
  expect(first.field).toBe('name');
  expect(second).toBeInstanceOf(TypeError);
  expect(second.code).toBe('E_OUTER');
  expect(second.cause).toBeInstanceOf(RangeError);
  expect(second.details).toEqual({ retries: 3, tags: ['a', 'b'] });
});

test("a cancel reaches the running call's child, which is stopped; the next call runs", async () => {
  const s = scheduler().start();
  try {
    const sleep = s.task(math.sleep);
    const future: Future = sleep.submit(20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    expect(future.cancel()).toBe(true);
    await expect(future).rejects.toMatchObject({ name: 'CancelledError', code: 'ERR_CANCELLED' });
    expect(await sleep.call(10)).toBe(10);
    expect(Date.now() - started).toBeLessThan(15_000);
  } finally {
    await s.close();
  }
});

test('Comm: messages in order, and requests answered by the host', async () => {
  const s = scheduler().start();
  try {
    const stream = s.task(comm.stream, { plugins: [Comm.Plugin()] });
    const got: number[] = [];
    stream.on('comm-message', (msg) => got.push(msg.data));
    expect(await stream.call(50)).toBe(50);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const ask = s.task(comm.askOnce, { plugins: [Comm.Plugin()] });
    ask.on('comm-request', (msg) => msg.respond(`answer to ${msg.data}`));
    expect(await ask.call('why')).toBe('answer to why');
  } finally {
    await s.close();
  }
});

test('bad entries XADDed into the host\'s and the workers\' inboxes mid-call are dropped with one warning per inbox; the call returns and the next runs', async () => {
  const s = scheduler().start();
  const client = new Redis({ path: redis.socket });
  const warnings = (globalThis as { __processWarnings?: string[] }).__processWarnings ?? [];
  const entry = (value: unknown) => serialize(value).toString('base64');
  try {
    const ask = s.task(comm.askOnce, { plugins: [Comm.Plugin()] });
    // Two calls held at once take both workers (one child each), and each is answered: both
    // workers' inboxes exist (a stream exists once something was posted to it).
    const held: (() => void)[] = [];
    const poisoned: string[] = [];
    let warm = true;
    ask.on('comm-request', async (msg) => {
      if (warm) {
        held.push(() => msg.respond(`answer to ${msg.data}`));
        if (held.length === 2) for (const respond of held) respond();
        return;
      }
      // While the call waits for this answer: anybody with access to Redis writes to the inboxes.
      if (poisoned.length > 0) {
        msg.respond(`answer to ${msg.data}`);
        return;
      }
      const call = Number(msg.comm.id.split(':')[0]);
      const [hosts, workerInboxes] = [await client.keys(`forkline:{${queue}}:host:*`), await client.keys(`forkline:{${queue}}:worker:*`)];
      poisoned.push(...workerInboxes);
      for (const key of hosts) {
        for (const bad of [entry(null), 'garbage!!', entry({ k: 'outcome', call, outcome: { state: 'rejected', error: null } }), entry({ k: 'comm', call, envelope: 7 })]) await client.xadd(key, '*', 'e', bad);
      }
      for (const key of workerInboxes) {
        for (const bad of [entry(null), 'garbage!!', entry({ k: 'comm', job: 'any', envelope: null }), entry({ k: 'cancel', job: 1 })]) await client.xadd(key, '*', 'e', bad);
      }
      msg.respond(`answer to ${msg.data}`);
    });
    expect(await Promise.all([ask.call('a'), ask.call('b')])).toEqual(['answer to a', 'answer to b']);
    warm = false;
    expect(await ask.call('why')).toBe('answer to why');
    expect(await ask.call('again')).toBe('answer to again');
    expect(await s.task(math.add).call(2, 3)).toBe(5);
    expect(poisoned).toHaveLength(2);
    // One warning per inbox, naming the first problem, however many bad entries followed.
    await new Promise((resolve) => setImmediate(resolve));
    const mine = warnings.filter((warning) => warning.includes(`forkline:{${queue}}:host:`));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('dropped an entry: an entry is null, not an object');
    warnings.splice(0, warnings.length, ...warnings.filter((warning) => !mine.includes(warning)));
    for (const worker of workers) {
      await eventually(() => worker.stderr().includes('ForklineWarning'), `worker ${worker.pid} to warn`);
      expect(worker.stderr().match(/ForklineWarning: forkline: the inbox forkline:\{calls\}:worker:\S+ dropped an entry: an entry is null, not an object/g)).toHaveLength(1);
    }
  } finally {
    client.disconnect();
    await s.close();
  }
});

test("comm ids are the host's in the remote child: comm.id there is msg.comm.id here", async () => {
  const s = scheduler().start();
  try {
    const task = s.task(hold.reportThenHold, { plugins: [Comm.Plugin()] });
    const ids: [string, string][] = [];
    task.on('comm-message', (msg) => ids.push([msg.data.comm, msg.comm.id]));
    await Promise.all([task.call(0), task.call(0)]);
    expect(ids).toHaveLength(2);
    for (const [child, host] of ids) expect(child).toBe(host);
    expect(ids[0]![1]).not.toBe(ids[1]![1]);
  } finally {
    await s.close();
  }
});

test('a host that exits mid-batch loses nothing: a later host reads every outcome by its host name (queueOutcomes), and its dead inbox expires', async () => {
  const host = 'batch-restart';
  const script = fileURLToPath(fixture('hosts/queue-batch.mjs'));
  const { stdout } = await promisify(execFile)(process.execPath, [script, redis.url, queue, host, '6'], { env: { ...process.env, NODE_OPTIONS: '' } });
  // It exited with calls still queued or running on the workers.
  expect(stdout).toMatch(/^submitted 6, [1-5] done$/m);
  let outcomes: QueueOutcome[] = [];
  const end = Date.now() + 15_000;
  // Polled: the first host is gone, so nothing tells this one when its calls end.
  while ((outcomes = await queueOutcomes({ connection: redis.url, queue, host })).some((outcome) => outcome.state === 'pending')) {
    if (Date.now() > end) throw new Error(`calls still pending: ${JSON.stringify(outcomes)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(outcomes.map((outcome) => [outcome.args, outcome.state, 'value' in outcome ? outcome.value : undefined])).toEqual(
    Array.from({ length: 6 }, (_, i) => [[200 + i], 'fulfilled', 200 + i]),
  );
  expect(outcomes.every((outcome) => outcome.task.export === 'sleep')).toBe(true);
  expect(await queueOutcomes({ connection: redis.url, queue, host: 'another-host' })).toEqual([]);
  // The workers reported to the dead host's inbox after it exited: that stream expires.
  const client = new Redis({ path: redis.socket });
  try {
    const inboxes = await client.keys(`forkline:{${queue}}:host:*`);
    expect(inboxes.length).toBeGreaterThanOrEqual(1);
    for (const key of inboxes) expect(await client.pttl(key)).toBeGreaterThan(0);
  } finally {
    client.disconnect();
  }
});
