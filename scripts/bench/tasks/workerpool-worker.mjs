/**
 * workerpool's worker script (forked with workerType 'process').
 */
import workerpool from 'workerpool';
import { burn } from './work.mjs';

workerpool.worker({
  noop: (x) => x,
  work: (iterations) => burn(iterations),
});
