/**
 * Runs a forkline scheduler as a warm pool for the length of a benchmark: one `run()` that stays
 * up (endOnEmpty: false) while `body` submits batches, then stops. Each run forks fresh children,
 * so everything timed happens inside one run, after the children are up and the task module is
 * loaded.
 */
import { Scheduler, taskModule } from 'forkline';

/** The bench task module, as the children import it. */
export const tasks = taskModule(new URL('./tasks/forkline-tasks.mjs', import.meta.url));

/**
 * Starts `Scheduler.withProcesses(children, options)`, runs `body(scheduler)` while it runs, and
 * stops it. Resolves to what `body` returned.
 */
export async function withScheduler(children, options, body) {
  const scheduler = Scheduler.withProcesses(children, options);
  const running = scheduler.run({ endOnEmpty: false });
  let value;
  try {
    value = await body(scheduler);
  } finally {
    scheduler.stop('benchmark done');
    await running;
  }
  return value;
}

/**
 * Counts a task's results so that a batch needs no promise per future (as a user who handles
 * 'result' events would write it). `batch(n, argOf)` submits n calls at once and resolves to the
 * ms from the first submit to the last result.
 */
export function batcher(task) {
  let remaining = 0;
  let wake;
  task.on('result', () => {
    if (remaining > 0 && --remaining === 0) wake();
  });
  return (n, argOf = (i) => i) =>
    new Promise((resolve) => {
      const started = performance.now();
      remaining = n;
      wake = () => resolve(performance.now() - started);
      for (let i = 0; i < n; i++) task.submit(argOf(i));
    });
}

/**
 * Like `batcher`, but the way amltk's examples feed a task: a window of `inFlight` calls submitted
 * up front, and one more submitted from each 'result' handler until n. Resolves to the ms taken.
 */
export function refiller(task, inFlight) {
  let submitted = 0;
  let done = 0;
  let total = 0;
  let wake;
  task.on('result', () => {
    if (total === 0) return;
    done++;
    if (submitted < total) task.submit(submitted++);
    else if (done === total) {
      total = 0;
      wake();
    }
  });
  return (n) =>
    new Promise((resolve) => {
      const started = performance.now();
      submitted = 0;
      done = 0;
      total = n;
      wake = () => resolve(performance.now() - started);
      while (submitted < Math.min(n, inFlight)) task.submit(submitted++);
    });
}

/** One call per child, sent together, so that each child has loaded the task module. */
export async function warmEach(task, children, arg) {
  await Promise.all(Array.from({ length: children }, () => task.submit(arg)));
}

/**
 * Runs `scheduler` until the first call of `ref`, submitted at 'start', has returned. Resolves to
 * the ms from `started` (default: now) to that result, and the result, which must have a `text`.
 */
export async function firstResult(scheduler, ref, started = performance.now()) {
  const task = scheduler.task(ref);
  let first;
  scheduler.on('start', () => {
    first = task.submit('bench');
  });
  const running = scheduler.run();
  const value = await first;
  const ms = performance.now() - started;
  await running;
  if (!value?.text) throw new Error('startup task returned nothing');
  return { ms, value };
}
