export function fib(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`fib() takes an integer >= 0, got ${n}`);
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
