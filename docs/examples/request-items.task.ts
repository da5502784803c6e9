import type { Comm } from 'forkline';

type Items = Comm<{ request: number; response: string; message: string }>;

export async function myWorker(nTasks: number, { comm }: { comm: Items }): Promise<void> {
  await comm.open(async () => {
    for (let taskNumber = 0; taskNumber < nTasks; taskNumber++) {
      const task = await comm.request(taskNumber);
      await comm.send(`Task recieved ${task} for ${taskNumber}`);
    }
  });
}
