/**
 * Preloaded into forkline's children by scripts/bench/frames.mjs (`--import`): counts the frames
 * the child sends and receives and the envelopes in them, and appends the counts to
 * $FORKLINE_FRAMES_OUT as a JSON line when the host lets go.
 */
import { appendFileSync } from 'node:fs';

const counts = { pid: process.pid, sent: { frames: 0, envelopes: 0, sizes: {} }, received: { frames: 0, envelopes: 0, sizes: {} } };

function count(side, message) {
  const envelopes = message?.$forkline;
  if (!Array.isArray(envelopes)) return;
  side.frames++;
  side.envelopes += envelopes.length;
  side.sizes[envelopes.length] = (side.sizes[envelopes.length] ?? 0) + 1;
}

const send = process.send.bind(process);
process.send = (message, ...rest) => {
  count(counts.sent, message);
  return send(message, ...rest);
};
process.on('message', (message) => count(counts.received, message));
process.on('disconnect', () => {
  if (process.env.FORKLINE_FRAMES_OUT) appendFileSync(process.env.FORKLINE_FRAMES_OUT, `${JSON.stringify(counts)}\n`);
});
