/**
 * The baseline of the idle-child memory case: a `node` child that only opened its IPC channel,
 * says it is ready, and waits (a 'message' listener keeps the channel, and so the child, alive)
 * until the host disconnects. With the argument `thread` it also starts one idle worker thread,
 * as forkline's child does for its watchdog (workers/watchdog.ts): what that thread costs.
 */
import { Worker } from 'node:worker_threads';

process.on('message', () => {});
if (process.argv[2] === 'thread') new Worker('setInterval(() => {}, 250);', { eval: true, stdout: false, stderr: false }).unref();
process.send({ ready: process.pid });
