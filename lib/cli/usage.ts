/**
 * The CLI's help text and its usage error (exit code 2: the command line was wrong).
 */

/** The command line was wrong; the message says what and how to fix it. */
export class UsageError extends Error {
  readonly code = 'ERR_CLI_USAGE';
}
UsageError.prototype.name = 'UsageError';

export const MAIN_HELP = `Usage: forkline <command> [options]

Commands:
  run <module#export>   run one exported function over every line of an input file
  worker                run the calls of a BullMQ queue (forkline/queue) on this machine

forkline run --help     the options of run
forkline worker --help  the options of worker
forkline --version      the version
`;

export const RUN_HELP = `Usage: forkline run <module#export> --input FILE [options]

Runs the exported function once per input record on warm child processes, shows live
progress, and writes one JSON line per finished call to the results file as it finishes.

  <module#export>          the task, e.g. ./experiments.ts#train (relative to the current
                           directory; TypeScript runs as is; no #export means the default)
  -i, --input FILE         the calls' arguments: JSONL (an array of arguments, or an object as
                           the one argument, per line), CSV (a header row; a record becomes one
                           object argument, numbers and true/false converted), or a JSON array;
                           - reads JSONL from stdin
      --format F           jsonl, csv or json (default: from the file's extension, else jsonl)
  -o, --out FILE           results file (default results.jsonl); refused if it exists,
                           unless --resume
  -w, --workers N          child processes (default: one per CPU)
      --resume             run only the input lines that the results file lacks or that failed
      --retries N          retry a call up to N times when its child crashed or it broke a
                           limit (WorkerCrashedError, limit errors); default 0
      --retry-delay T      before the first retry (default 500ms), doubled each time, jittered
      --wall-time T        a call's limit of wall time (e.g. 30s); it fails and its child is
                           replaced
      --cpu-time T         a call's limit of CPU time (Linux)
      --memory SIZE        a child's limit of resident memory during a call, e.g. 512MiB (Linux)
      --rate N/UNIT        start at most N calls per s, min or h (for rate-limited APIs)
      --max-in-flight N    calls submitted and not finished at once (default max(64, 16×workers))
      --json               machine output on stdout: a JSON line of progress every second
                           (--progress-interval) and the summary last; no display
      --no-progress        no progress display
      --progress-interval T  between progress lines when stderr is not a terminal (default 5s)
                           or --json lines (default 1s)
      --monitor PATH       the queue monitor's files PATH.csv and PATH.svg (default: beside
                           the results, results.monitor.csv/.svg)
      --no-monitor         no queue monitor files
      --no-comm            do not pass { comm } as the task's last argument
      --kill-grace T       between SIGTERM and SIGKILL of a child being stopped (default 2s)
      --queue URL          not yet: the same batch on the queue executor (BullMQ over Redis);
                           refused for now: use withQueue() from a script (docs/scale-out.md)
  -h, --help               this help

The task receives the record's arguments and then { comm } (forkline's Comm): a task that
calls comm.send({ progress: 0.4 }) moves its own bar in the display. Ctrl-C once stops
submitting and lets running calls finish; twice kills them. Exit code: 0 when every call
succeeded, 1 when some failed or did not run, 2 for a wrong command line, 130 when interrupted.
`;
