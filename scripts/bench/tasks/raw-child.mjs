/**
 * The child of the hand-written baseline: `child_process.fork` and `process.send`, one message
 * per call, result, stream item, request and response, as one would write it without a library.
 */
import { nth, payload } from './payloads.mjs';
import { burn } from './work.mjs';

const send = process.send.bind(process);
let answer;

process.on('message', (message) => {
  switch (message.op) {
    case 'noop':
      send({ id: message.id, value: message.arg });
      return;
    case 'work':
      send({ id: message.id, value: burn(message.arg) });
      return;
    case 'stream': {
      const data = payload(message.kind);
      for (let i = 0; i < message.n; i++) send({ t: 'm', data: nth(data, i) });
      send({ id: message.id, value: message.n });
      return;
    }
    case 'roundtrip':
      void roundtrip(message.n).then((value) => send({ id: message.id, value }));
      return;
    case 'rs':
      answer?.(message.data);
      return;
    default:
      throw new Error(`raw child: unknown op ${String(message.op)}`);
  }
});

async function roundtrip(n) {
  const latencies = new Array(n);
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await new Promise((resolve) => {
      answer = resolve;
      send({ t: 'rq', i });
    });
    latencies[i] = performance.now() - started;
  }
  answer = undefined;
  return latencies;
}

send({ ready: process.pid });
