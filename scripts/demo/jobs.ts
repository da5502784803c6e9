/**
 * The demo's job: count the primes in a range by trial division (deliberately CPU-bound), and
 * report progress to the host over the comm as it goes.
 */
import type { Comm } from 'forkline';

/** What a job reports as it goes: the share of its range done, which moves its bar in the display. */
export interface Progress {
  readonly progress: number;
}

export async function countPrimes(from: number, to: number, { comm }: { comm: Comm<{ message: Progress }> }): Promise<number> {
  return comm.open(async () => {
    const total = to - from;
    const step = Math.ceil(total / 10);
    let primes = 0;
    for (let n = from; n < to; n++) {
      if (isPrime(n)) primes++;
      if ((n - from + 1) % step === 0) await comm.send({ progress: (n - from + 1) / total });
    }
    return primes;
  });
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let divisor = 3; divisor * divisor <= n; divisor += 2) if (n % divisor === 0) return false;
  return true;
}
