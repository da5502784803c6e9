/** The soak test's task: streams numbered messages, then returns, or dies as told. */
import type { Comm } from 'forkline';

export interface Tick {
  readonly call: number;
  readonly seq: number;
}

export async function work(call: number, messages: number, crash: boolean, { comm }: { comm: Comm<{ message: Tick }> }): Promise<number> {
  for (let seq = 0; seq < messages; seq++) await comm.send({ call, seq });
  if (crash) {
    // Everything sent is written to the channel; then die the hard way.
    await comm.flush();
    process.kill(process.pid, 'SIGKILL');
  }
  return call * 2;
}
