/**
 * How soon the call of a killed worker is recovered: two `forkline worker` processes; a call
 * tells the host which worker runs it (a comm request it does not answer); the host SIGKILLs
 * that worker and times, from the kill, until the call fails with WorkerCrashedError
 * (crashRetries 0) or returns from the other worker (crashRetries 1).
 *
 * The bound: BullMQ's stall check (moveStalledJobsToWait, every stalledInterval, queue-wide)
 * moves a job that an earlier check put in the stalled set and whose lock has expired since; the
 * lock lasts lockDuration from its last renewal (every lockDuration / 2). So a dead worker's job
 * moves between about lockDuration / 2 + stalledInterval and lockDuration + 2 × stalledInterval
 * after the kill: 8 s with forkline's defaults (4000 / 2000), 2 s with 1000 / 500.
 * A replacement worker is started after each kill; the killed worker's child must not outlive it.
 */
import { Comm, WorkerCrashedError } from 'forkline';
import { taskModule } from 'forkline';
import { withQueue } from 'forkline/queue';
import { STALL_SETTINGS, startWorker } from './queue-processes.mjs';
import { sleep } from './stats.mjs';

const queueTasks = taskModule(new URL('./tasks/queue-tasks.mjs', import.meta.url));

/** Lock and stall settings (ms) of each STALL_SETTINGS entry: forkline's defaults, and fast ones. */
export const SETTINGS = { defaults: { lockDuration: 4000, stalledInterval: 2000 }, fast: { lockDuration: 1000, stalledInterval: 500 } };

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One kill: ms from SIGKILL to the call's settling, and whether the killed worker's child was gone by then. */
async function once(redis, queue, workers, crashRetries) {
  const scheduler = withQueue({ connection: redis.url, queue, crashRetries }).start();
  try {
    const task = scheduler.task(queueTasks.holdUntilAnswered, { plugins: [Comm.Plugin()] });
    let killed;
    task.on('comm-request', (msg) => {
      if (killed !== undefined) return void msg.respond('go');
      const victim = workers.find((worker) => worker.pid === msg.data.worker);
      if (!victim) throw new Error(`the call ran on ${msg.data.worker}, not one of the bench's workers`);
      killed = { at: performance.now(), victim, child: msg.data.child };
      void victim.kill();
    });
    let outcome;
    try {
      outcome = { state: 'fulfilled', value: await task.submit() };
    } catch (error) {
      outcome = { state: 'rejected', error };
    }
    const ms = performance.now() - killed.at;
    const expected = crashRetries === 0 ? outcome.error instanceof WorkerCrashedError : outcome.state === 'fulfilled' && outcome.value !== killed.victim.pid;
    if (!expected) throw new Error(`crashRetries ${crashRetries}: the call settled as ${outcome.state} ${outcome.error?.name ?? outcome.value}`);
    // The host-death watchdog of the child: give it a moment after the call settled.
    let orphan = alive(killed.child);
    for (let i = 0; orphan && i < 20; i++) orphan = (await sleep(50), alive(killed.child));
    return { ms, victim: killed.victim, orphan };
  } finally {
    await scheduler.close();
  }
}

/**
 * `samples[setting]` kills for each setting and each crashRetries (0 and 1): `{ [setting]: { [retries]: { ms: [], orphans } } }`.
 */
export async function measureRecovery(redis, { samples }) {
  const results = {};
  for (const [setting, flags] of Object.entries(STALL_SETTINGS)) {
    const queue = `recovery-${setting}-${Date.now()}`;
    const workers = await Promise.all([startWorker(redis.url, queue, 1, flags), startWorker(redis.url, queue, 1, flags)]);
    results[setting] = {};
    try {
      for (const crashRetries of [0, 1]) {
        const result = (results[setting][crashRetries] = { ms: [], orphans: 0 });
        for (let i = 0; i < samples[setting]; i++) {
          const { ms, victim, orphan } = await once(redis, queue, workers, crashRetries);
          result.ms.push(ms);
          if (orphan) result.orphans++;
          workers.splice(workers.indexOf(victim), 1, await startWorker(redis.url, queue, 1, flags));
        }
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  }
  return results;
}
