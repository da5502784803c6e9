import type { Comm } from 'forkline';

export async function fn(x: number, { comm }: { comm: Comm<{ message: number }> }): Promise<void> {
  await comm.open(async () => {
    await comm.send(x + 1);
  });
}
