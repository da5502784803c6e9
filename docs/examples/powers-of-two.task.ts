import type { Comm } from 'forkline';

export async function powersOfTwo(start: number, n: number, { comm }: { comm: Comm<{ message: number }> }): Promise<void> {
  await comm.open(async () => {
    for (let i = 0; i < n; i++) await comm.send(start ** (i + 1));
  });
}
