/**
 * The worker module of tinypool and piscina: the default export is the tiny task.
 */
import { burn } from './work.mjs';

export default function noop(x) {
  return x;
}

export function work(iterations) {
  return burn(iterations);
}
