import type { Comm } from 'forkline';

export async function greeter(greeting: string, { comm }: { comm: Comm<{ response: string; message: string }> }): Promise<void> {
  await comm.open(async () => {
    const name = await comm.request();
    await comm.send(`${greeting} ${name}!`);
  });
}
