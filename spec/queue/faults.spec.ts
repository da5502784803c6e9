/**
 * The queue's faults, end to end: a worker process killed mid-call (the call fails with
 * WorkerCrashedError, or runs again on the other worker, as the host chose; the killed worker's
 * child does not outlive it), a terminate and a cancel reaching the remote child, Redis
 * restarting empty under calls in flight (each settles; the workers carry on), and Redis gone for
 * good (the calls fail within `outageTimeout`).
 *
 * One Redis and two worker processes for the file; the tests run in this order and each leaves
 * two live workers for the next (a killed one is replaced). The last one stops Redis for good.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Comm, Limits, type Future, type Scheduler } from 'forkline';
import { queueOutcomes, withQueue, type QueueOptions } from 'forkline/queue';
import { eventually, fixtureModule, isAlive, tempDirs } from '../helpers.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { FAST_STALLS, startWorker, type WorkerProcess } from '../helpers/queue-workers.js';
import type * as Hold from '../fixtures/report-then-hold.js';
import type * as Math from '../fixtures/math.js';

const hold = fixtureModule<typeof Hold>('report-then-hold.ts');
const math = fixtureModule<typeof Math>('math.ts');
const tempDir = tempDirs('forkline-faults-');

const queue = 'faults';
/** A cancelled call's child is stopped only after a minute: whatever stops one sooner is a terminate. */
const WORKER_FLAGS = ['--kill-grace-period', '60000'];
const [LOCK_MS, STALL_MS] = [Number(FAST_STALLS[1]), Number(FAST_STALLS[3])];

let redis: TestRedis;
let workers: WorkerProcess[];

beforeAll(async () => {
  redis = await startRedis();
  workers = await Promise.all([startWorker(redis.url, queue, WORKER_FLAGS), startWorker(redis.url, queue, WORKER_FLAGS)]);
});

afterAll(async () => {
  // Redis is gone by now: the workers' SIGTERM must still end them.
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis.stop();
});

const scheduler = (options: Partial<QueueOptions> = {}) => withQueue({ connection: redis.url, queue, ...options }).start();

/** Replaces a worker a test killed, so the next test has two again (the new one may take the killed one's call). */
async function replace(pid: number): Promise<void> {
  const dead = workers.find((worker) => worker.pid === pid);
  if (!dead) throw new Error(`no worker ${pid}`);
  const [fresh] = await Promise.all([startWorker(redis.url, queue, WORKER_FLAGS), dead.stop()]);
  workers = [...workers.filter((worker) => worker !== dead), fresh];
}

const outcome = (future: Promise<unknown>) =>
  future.then(
    (value) => ({ value }),
    (error: unknown) => ({ error: error as Error }),
  );

/** Runs reportThenHold on the queue, SIGKILLs the worker process that took it when it reports, and starts another. */
async function killItsWorker(crashRetries: number) {
  const s = scheduler({ crashRetries });
  try {
    const task = s.task(hold.reportThenHold, { plugins: [Comm.Plugin()] });
    const seen: Hold.Where[] = [];
    let killedAt = 0;
    let replaced: Promise<void> = Promise.resolve();
    task.on('comm-message', (msg) => {
      seen.push(msg.data);
      if (seen.length === 1) {
        process.kill(msg.data.worker, 'SIGKILL');
        killedAt = Date.now();
        replaced = replace(msg.data.worker);
      }
    });
    const result = await outcome(task.call(1000));
    const sinceKill = Date.now() - killedAt;
    await replaced;
    return { result, sinceKill, seen };
  } finally {
    await s.close();
  }
}

test('a worker killed mid-call: WorkerCrashedError within the lock and stall bound (crashRetries 0), and its child exits', async () => {
  const { result, sinceKill, seen } = await killItsWorker(0);
  expect(result).toMatchObject({ error: { name: 'WorkerCrashedError', code: 'ERR_WORKER_CRASHED' } });
  expect((result as { error: Error }).error.message).toContain('crashRetries');
  // The lock lapses LOCK_MS after the kill at most, and the other worker's stall check sees it
  // within two STALL_MS; the rest is room for a loaded machine.
  expect(sinceKill).toBeLessThan(LOCK_MS + 2 * STALL_MS + 4000);
  expect(seen).toHaveLength(1);
  const [{ child }] = seen as [Hold.Where];
  await eventually(() => !isAlive(child), `the killed worker's child ${child} to exit`);
});

test('a worker killed mid-call with crashRetries 1: the call runs again on the other worker and returns', async () => {
  const { result, seen } = await killItsWorker(1);
  expect(result).toEqual({ value: 'held' });
  expect(seen).toHaveLength(2);
  const [first, second] = seen as [Hold.Where, Hold.Where];
  expect(second.worker).not.toBe(first.worker);
  await eventually(() => !isAlive(first.child), `the killed worker's child ${first.child} to exit`);
});

test("a terminate (a wall-time limit) kills the call's child on the worker at once; comm ids are the host's; BullMQ keeps the limit's error", async () => {
  const s = scheduler({ host: 'terminating' });
  try {
    const task = s.task(hold.reportThenSpin, { plugins: [Comm.Plugin(), new Limits({ wallTime: 1000 })] });
    let where: Hold.Where | undefined;
    let hostCommId: string | undefined;
    task.on('comm-message', (msg) => {
      where = msg.data;
      hostCommId = msg.comm.id;
    });
    const future: Future = task.submit(30_000);
    expect(await outcome(future)).toMatchObject({ error: { name: 'WallTimeLimitError' } });
    expect(where).toBeDefined();
    expect(where!.comm).toBe(hostCommId);
    // The workers' killGracePeriod is a minute: only the pool's terminate stops the child this soon.
    await eventually(() => !isAlive(where!.child), `the terminated call's child ${where!.child} to be stopped`);
    expect(isAlive(where!.worker)).toBe(true);
    expect(await s.task(math.add).call(2, 3)).toBe(5);
    // What a later host reads of it: the limit's error with its class, not a bare Error.
    const [kept] = await queueOutcomes({ connection: redis.url, queue, host: 'terminating' });
    expect(kept).toMatchObject({ state: 'rejected', error: { name: 'WallTimeLimitError', code: 'ERR_WALL_TIME_LIMIT' } });
  } finally {
    await s.close();
  }
});

/** Submits reportThenAsk and resolves once its remote child awaits its request: the future, and the file the child writes when that request ends. */
async function awaitingRequest(s: Scheduler): Promise<{ future: Future; marker: string }> {
  const marker = join(tempDir(), 'ended');
  const task = s.task(hold.reportThenAsk, { plugins: [Comm.Plugin()] });
  const asked = new Promise<void>((resolve) => task.on('comm-request', () => resolve()));
  const future: Future = task.submit(marker);
  await asked;
  return { future, marker };
}

test('a cancel while the remote child awaits comm.request: CancelledError, the request is stopped in the child, the next call runs', async () => {
  const s = scheduler();
  try {
    const { future, marker } = await awaitingRequest(s);
    expect(future.cancel()).toBe(true);
    expect(await outcome(future)).toMatchObject({ error: { name: 'CancelledError', code: 'ERR_CANCELLED' } });
    await eventually(() => existsSync(marker), "the child's comm.request to end");
    expect(readFileSync(marker, 'utf8')).toMatch(/^Comm\w+Error$/);
    expect(await s.task(math.add).call(1, 2)).toBe(3);
  } finally {
    await s.close();
  }
});

test("a host gone while its call awaits comm.request (its inbox expired): the worker cancels the call instead of holding its slot forever", async () => {
  const s = scheduler();
  const admin = new Redis({ path: redis.socket });
  try {
    const { future, marker } = await awaitingRequest(s);
    // What a dead host leaves behind: its inbox expires (a minute after its last refresh).
    const inboxes = await admin.keys(`forkline:{${queue}}:host:*`);
    expect(inboxes).toHaveLength(1);
    await admin.del(inboxes[0]!);
    // The worker's outcome recreates the inbox, so this live host hears how the call ended.
    const ended = await outcome(future);
    expect(ended).toMatchObject({ error: { name: 'CancelledError' } });
    expect((ended as { error: Error }).error.message).toContain('the host that submitted it is gone');
    await eventually(() => existsSync(marker), "the child's comm.request to end");
    expect(await s.task(math.add).call(2, 2)).toBe(4);
  } finally {
    admin.disconnect();
    await s.close();
  }
});

test('Redis restarting empty under running, queued and comm-using calls: each settles, with its result or QueueJobLostError; the workers carry on', async () => {
  const s = scheduler();
  try {
    const asking = s.task(hold.reportThenAsk, { plugins: [Comm.Plugin()] });
    const asked = new Promise<void>((resolve) => asking.on('comm-request', () => resolve()));
    const sleep = s.task(math.sleep);
    const marker = join(tempDir(), 'ended');
    const futures: Future[] = [asking.submit(marker), sleep.submit(1500), sleep.submit(100), sleep.submit(100)];
    await asked;
    await eventually(() => futures.filter((future) => future.state === 'running').length === 2, 'a call running on each worker');
    await redis.restart();
    const results = await Promise.all(futures.map(outcome));
    for (const result of results) if ('error' in result) expect(result.error).toMatchObject({ name: 'QueueJobLostError', code: 'ERR_QUEUE_JOB_LOST' });
    // The comm call waited for an answer Redis lost with its job: it cannot have finished.
    expect(results[0]).toMatchObject({ error: { name: 'QueueJobLostError' } });
    // Its worker was told to stop it (the host knew which worker held it): the request ended in the child.
    await eventually(() => existsSync(marker), "the lost call's comm.request to end in its child");
    // Both workers take calls again on the new Redis.
    expect(await Promise.all([sleep.call(50), sleep.call(50), sleep.call(50)])).toEqual([50, 50, 50]);
  } finally {
    await s.close();
  }
});

test('Redis gone for good: the calls in flight fail within outageTimeout with QueueUnavailableError, new ones at once, and close() returns', async () => {
  const outageTimeout = 1000;
  const s = scheduler({ outageTimeout });
  try {
    const sleep = s.task(math.sleep);
    const futures = [sleep.submit(2000), sleep.submit(2000), sleep.submit(2000)];
    await eventually(() => futures.filter((future) => future.state === 'running').length === 2, 'a call running on each worker');
    await redis.stop();
    const stopped = Date.now();
    const results = await Promise.all(futures.map(outcome));
    expect(Date.now() - stopped).toBeLessThan(outageTimeout + 4000);
    for (const result of results) {
      expect(result).toMatchObject({ error: { name: 'QueueUnavailableError', code: 'ERR_QUEUE_UNAVAILABLE' } });
      expect((result as { error: Error }).error.message).toMatch(/unreachable for 1000 ms.*outageTimeout/);
    }
    expect(await outcome(sleep.call(10))).toMatchObject({ error: { name: 'QueueUnavailableError' } });
  } finally {
    await s.close();
  }
});
