/**
 * One run per results file: `<out>.lock`, created with O_EXCL and holding the pid of the run
 * that owns it. A second run on the same --out is refused while that pid lives; a lock left by
 * a run that died (SIGKILL, a crash) is taken over. Two runs appending to one file would
 * interleave their records and each rerun the other's calls on --resume.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { UsageError } from './usage.js';

export interface OutLock {
  readonly path: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, and is somebody else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockOut(out: string, shown: string): OutLock {
  const path = `${out}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new UsageError(
          `${shown} is being written by another forkline run (pid ${pid}, lock ${shown}.lock): wait for it, or choose another --out`,
        );
      }
      // Its run is gone: the lock is stale. Take it over (one retry, in case another run races).
      rmSync(path, { force: true });
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    rmSync(path, { force: true });
  };
  // An exit by process.exit (a third Ctrl-C) must not leave the lock behind either.
  process.once('exit', release);
  return {
    path,
    release: () => {
      process.off('exit', release);
      release();
    },
  };
}
