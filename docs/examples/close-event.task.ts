import type { Comm } from 'forkline';

export async function fn({ comm }: { comm: Comm }): Promise<void> {
  await comm.open(() => {
    // Sends a close signal to the host as it leaves this body.
  });
  console.log('Done');
}
