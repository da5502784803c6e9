import type { Comm } from 'forkline';

export async function fn({ comm }: { comm: Comm }): Promise<void> {
  await comm.open(() => {
    // Opened: the host's 'comm-open' handlers run now.
  });
}
