/**
 * A child must never outlive its host.
 *
 * When the host exits, the channel closes and 'disconnect' fires. But a SIGKILLed host runs no
 * cleanup, and a child whose event loop is busy with a long synchronous task never sees
 * 'disconnect'. So a tiny thread, which no task can block, also checks that the parent is still
 * the one that forked us.
 */
import { Worker } from 'node:worker_threads';
import { exitAfterOutput } from './exit.js';

const POLL_MS = 250;

const WATCHER = `
const { workerData } = require('node:worker_threads');
setInterval(() => {
  if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL');
}, ${POLL_MS});
`;

/** `hostEnded`: the host's frames are all read; a child that lost its channel exits after that. */
export function watchHost(hostEnded: Promise<void>): void {
  process.once('disconnect', () => {
    // Bounded: a host that died may leave the pipe for the kernel to close.
    const late = new Promise((resolve) => setTimeout(resolve, 1000).unref());
    void Promise.race([hostEnded, late]).then(() => exitAfterOutput(0));
  });
  // Off the start-up path: the first run should not wait for a thread to boot.
  setImmediate(() => {
    const watcher = new Worker(WATCHER, { eval: true, workerData: { parent: process.ppid }, stdout: false, stderr: false });
    watcher.unref();
    watcher.on('error', () => {
      // Without the thread, 'disconnect' still covers every host exit but SIGKILL during a busy loop.
    });
  });
}
