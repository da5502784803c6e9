export function square(n: number): number {
  return n * n;
}

export function fib(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`fib(n) needs an integer n >= 0, got ${n}`);
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
