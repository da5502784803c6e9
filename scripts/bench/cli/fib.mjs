/**
 * The task of the CLI start-up case: naive fib, a few ms of CPU per call.
 */
export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
