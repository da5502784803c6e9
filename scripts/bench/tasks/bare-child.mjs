/**
 * The baseline of the idle-child memory case: a `node` child that only opened its IPC channel,
 * says it is ready, and waits (a 'message' listener keeps the channel, and so the child, alive)
 * until the host disconnects.
 */
process.on('message', () => {});
process.send({ ready: process.pid });
