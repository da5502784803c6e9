import type { Comm } from 'forkline';

export async function greeter(greeting: string, { comm }: { comm: Comm<{ response: string; message: string }> }): Promise<void> {
  await comm.open(async () => {
    const name = await comm.request(); // answered by the host's 'comm-request' handler
    await comm.send(`${greeting} ${name}!`); // arrives as 'comm-message'
  });
}
