/**
 * `forkline run`: reads the input as a stream, submits each call through a bounded (and, with
 * --rate, rate-limited) p-queue, writes each result as it finishes, retries what a retry may
 * cure, and ends with a summary and an exit code.
 */
import { dirname, relative } from 'node:path';
import PQueue from 'p-queue';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { RunSettings } from './args.js';
import { ExecutorSession } from './executor-session.js';
import { estimateRecords, readInput, type InputRecord } from './input.js';
import { inCliWordsOf } from './cli-wording.js';
import { QueueMonitor } from './monitor.js';
import { lockOut } from './out-lock.js';
import { checkPaths, shown } from './preflight.js';
import { describeError, ResultsWriter, type ResultRecord } from './results.js';
import { checkSameCall, readFinished } from './resume.js';
import { backoff, shouldRetry, sleep, type RetryPolicy } from './retries.js';
import { again, onInterrupt } from './signals.js';
import { formatSummary, SummaryBuilder, type Summary } from './summary.js';
import { UsageError } from './usage.js';
import { EXIT } from './exit-codes.js';

/** Where the runner writes: the CLI's streams, replaceable for tests of the seams. */
export interface RunnerIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream;
}

/** Runs the batch on `scheduler`, which warm-pool.ts built and warmed. */
export async function runBatch(settings: RunSettings, io: RunnerIO, scheduler: Scheduler): Promise<number> {
  try {
    checkPaths(settings);
    const lock = lockOut(settings.out, shown(settings.out));
    try {
      return await runLocked(settings, io, scheduler);
    } finally {
      lock.release();
    }
  } catch (error) {
    // Refused before its pool opened (a usage error, a locked --out, an unreadable input): its
    // warm children keep nothing alive, but closing them now lets the process exit at once.
    await scheduler.close({ wait: false });
    throw error;
  }
}

async function runLocked(settings: RunSettings, io: RunnerIO, scheduler: Scheduler): Promise<number> {
  // The task as each record names it: its module relative to the results file, and its export.
  const taskId = `${relative(dirname(settings.out), settings.module) || settings.module}#${settings.exportName}`;
  const finished = settings.resume ? await readFinished(settings.out) : { succeeded: new Map<number, string>(), failed: 0, unreadable: 0, tasks: new Set<string>() };
  const other = [...finished.tasks].find((task) => task !== taskId);
  if (other !== undefined) {
    throw new UsageError(
      `--resume: ${shown(settings.out)} holds results of the task ${other}, not ${taskId}. Resume with the task that wrote it, or write to a new --out`,
    );
  }
  const estimate = await estimateRecords(settings.input, settings.format);
  const results = new ResultsWriter(settings.out);
  if (results.tornBytes > 0) {
    io.stderr.write(`forkline run: ${shown(settings.out)} ended in a torn line (${results.tornBytes} bytes, cut off mid-write): removed; its call runs again\n`);
  }
  const summary = new SummaryBuilder();
  const policy: RetryPolicy = { retries: settings.retries, delay: settings.retryDelay };
  const stopping = new AbortController();
  const isStopping = () => stopping.signal.aborted;
  let fatal: unknown;

  // The children have been booting since main.ts warmed them, meanwhile this read its input.
  const session = ExecutorSession.open(scheduler, settings);
  const title = `forkline run ${settings.exportName}`;
  const display = session.progress({
    mode: settings.progress === 'off' ? 'none' : 'auto',
    stream: io.stderr,
    title,
    // --progress-interval paces plain lines and --json; a terminal's frame keeps its 10 a second.
    ...(settings.progressInterval === undefined || io.stderr.isTTY ? {} : { interval: settings.progressInterval }),
    ...(estimate === undefined ? {} : { total: Math.max(0, estimate - finished.succeeded.size) }),
    willRetry: (error, attempt) => shouldRetry(policy, attempt, error) && !stopping.signal.aborted,
  });
  // With --rate, calls must start in a child when they are submitted, or they would wait in the
  // pool and start in a burst: no more in flight than workers, a sliding window (strict), and
  // nothing more until the first call has started (the children are up).
  const queue = new PQueue(
    settings.rate
      ? { concurrency: Math.min(settings.maxInFlight, settings.workers), intervalCap: settings.rate.calls, interval: settings.rate.per, strict: true }
      : { concurrency: settings.maxInFlight },
  );
  let warming = settings.rate !== undefined;
  const startedAt = performance.now();
  const hostCpuAtStart = process.cpuUsage();
  const monitor =
    settings.monitor === undefined
      ? undefined
      : new QueueMonitor(settings.monitor, () => {
          const { queued, running } = session.counts();
          return { t: (performance.now() - startedAt) / 1000, queued: queued + queue.size, running, done: summary.succeeded, failed: summary.failed };
        });
  const cpuTimer = setInterval(() => void session.sampleCpu(), 1000);
  cpuTimer.unref();
  // --json: the display's numbers as JSON lines, for a machine to follow.
  const jsonTimer = settings.json
    ? setInterval(() => {
        const snapshot = display.snapshot();
        io.stdout.write(`${JSON.stringify({ type: 'progress', ...snapshot, workers: snapshot.workers.length })}\n`);
      }, settings.progressInterval ?? 1000)
    : undefined;
  jsonTimer?.unref();
  if (settings.resume && finished.succeeded.size + finished.failed > 0) {
    display.note(`resuming ${settings.out}: ${finished.succeeded.size} lines done before are skipped, ${finished.failed} that failed run again`);
  }

  const interrupts = onInterrupt((count, signal) => {
    if (count === 1) {
      stopping.abort();
      queue.clear();
      const { running } = session.counts();
      // Calls not started are cancelled at once; the running ones finish and are written.
      session.stop();
      display.note(`Stopping: no new calls; waiting for ${running} running call${running === 1 ? '' : 's'} to finish. ${again(signal)} to kill them.`);
    } else if (count === 2) {
      const { running } = session.counts();
      // A second stop kills the running calls now (no grace: what they do meanwhile is not written).
      session.stop();
      display.note(`Killing ${running} running call${running === 1 ? '' : 's'}; they are not written and --resume runs them again.`);
    } else {
      process.exit(interrupts.exitCode);
    }
  });

  /** One input record to its result record, through its retries. */
  const runRecord = async (record: InputRecord & { args: readonly unknown[] }) => {
    for (let attempt = 1; ; attempt++) {
      const outcome = await session.call(record.args, `line ${record.line}`, attempt);
      if (outcome.state === 'cancelled') return;
      if (outcome.state === 'rejected' && shouldRetry(policy, attempt, outcome.error) && !stopping.signal.aborted) {
        if (await sleep(backoff(policy, attempt), stopping.signal)) continue;
        return;
      }
      if (outcome.state === 'rejected' && (outcome.error as { code?: unknown } | null)?.code === 'ERR_TASK_LOAD' && fatal === undefined) {
        // Every call would fail the same way: stop the batch and say why, once.
        fatal = outcome.error;
        stopping.abort();
        queue.clear();
        session.stop();
      }
      write({
        line: record.line,
        args: record.args,
        ok: outcome.state === 'fulfilled',
        ...(outcome.state === 'fulfilled' ? { result: outcome.value } : { error: inCliWordsOf(describeError(outcome.error)) }),
        attempts: attempt,
        durationMs: Math.round(outcome.durationMs * 1000) / 1000,
        ...(outcome.worker === undefined ? {} : { worker: outcome.worker }),
        finishedAt: new Date().toISOString(),
      });
      return;
    }
  };
  const write = (record: Omit<ResultRecord, 'task'>) => {
    results.write({ task: taskId, ...record });
    summary.add(record);
  };

  let inputError: unknown;
  try {
    for await (const record of readInput(settings.input, settings.format)) {
      if (stopping.signal.aborted) break;
      summary.read++;
      if (record.invalid !== undefined) {
        summary.invalid++;
        write({ line: record.line, args: undefined, ok: false, error: { class: 'InputError', message: record.invalid }, attempts: 0, durationMs: 0, finishedAt: new Date().toISOString() });
        continue;
      }
      if (finished.succeeded.has(record.line)) {
        checkSameCall(finished, record.line, record.args, settings.out);
        summary.skipped++;
        continue;
      }
      // Backpressure: read on only while fewer than max-in-flight calls wait in the queue.
      await queue.onSizeLessThan(settings.maxInFlight);
      // An interrupt may have come while waiting.
      if (isStopping()) break;
      void queue.add(() => runRecord(record));
      if (warming) {
        warming = false;
        queue.pause();
        // The window counted the first call when it was submitted, not when it started: a
        // no-op first in line takes a slot now, for it.
        void session.firstStart.then(() => {
          void queue.add(() => undefined, { priority: 1 });
          queue.start();
        });
      }
    }
    display.total = summary.read - summary.skipped - summary.invalid;
  } catch (error) {
    inputError = error;
    stopping.abort();
    queue.clear();
  }
  await queue.onIdle();
  clearInterval(cpuTimer);
  clearInterval(jsonTimer);
  await session.sampleCpu();
  await session.close();
  display.stop();
  results.close();
  monitor?.close();
  interrupts.dispose();

  const hostCpu = process.cpuUsage(hostCpuAtStart);
  const final: Summary = summary.build({
    task: `${settings.module.split('/').pop() ?? settings.module}#${settings.exportName}`,
    wallMs: performance.now() - startedAt,
    callsWallMs: session.callsPhaseMs(),
    cpuMs: { children: session.childCpuMs(), host: (hostCpu.user + hostCpu.system) / 1000 },
    interrupted: interrupts.count > 0,
    results: shown(settings.out),
    monitor: (monitor?.files ?? []).map(shown),
  });
  // --resume found the input changed: the command line (its --out) is what is wrong, and a
  // summary ending in 'add --resume' would send the user round in a circle.
  if (inputError instanceof UsageError) {
    io.stderr.write(`forkline: ${inputError.message}\n`);
    return EXIT.USAGE;
  }
  if (settings.json) io.stdout.write(`${JSON.stringify({ type: 'summary', ...final })}\n`);
  else io.stdout.write(formatSummary(final));
  if (inputError !== undefined) io.stderr.write(`forkline run: reading ${settings.input} failed: ${(inputError as Error).message}\n`);
  if (fatal !== undefined) io.stderr.write(`forkline run: stopped, the task cannot run: ${(fatal as Error).message}\n`);
  if (interrupts.count > 0) return interrupts.exitCode;
  return final.failed > 0 || final.notRun > 0 || inputError !== undefined ? EXIT.FAILED : EXIT.OK;
}
