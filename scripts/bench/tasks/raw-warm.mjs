/**
 * The baseline of first-result latency on a child that is already up: a plain forked child says
 * it is ready, then, on its first message, imports the JS module and answers, as a warmed
 * forkline child does with its first call.
 */
process.send('ready');
process.once('message', async (name) => {
  const { greet } = await import('./startup.mjs');
  process.send(greet(name), () => process.disconnect());
});
