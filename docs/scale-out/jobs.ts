import type { Comm } from 'forkline';

export function fib(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`fib() takes an integer >= 0, got ${n}`);
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

type Progress = Comm<{ message: { epoch: number; loss: number }; request: number; response: boolean }>;

/** Reports each epoch's loss and asks the host whether to go on; returns the epochs it ran. */
export async function train(epochs: number, { comm }: { comm: Progress }): Promise<number> {
  let epoch = 0;
  await comm.open(async () => {
    while (epoch < epochs && (await comm.request(epoch))) {
      epoch++;
      await comm.send({ epoch, loss: 1 / epoch });
    }
  });
  return epoch;
}
