import type { Comm } from 'forkline';

export async function train(config: { lr: number; epochs: number }, { comm }: { comm: Comm<{ message: { progress: number; loss: number } }> }): Promise<{ loss: number }> {
  if (config.lr > 1) throw new RangeError(`lr ${config.lr} diverges; keep it <= 1`);
  let loss = 1;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    loss *= 1 - config.lr / 4; // one epoch of real work would go here
    await new Promise((resolve) => setTimeout(resolve, 20));
    await comm.send({ progress: epoch / config.epochs, loss });
  }
  return { loss };
}
