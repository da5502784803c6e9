import PQueue from 'p-queue';
const N = 200000;
{
  const q = new PQueue({ concurrency: 64 });
  const t = performance.now();
  let done = 0;
  const resolvers = [];
  for (let i = 0; i < N; i++) q.add(() => new Promise(r => resolvers.push(r))).then(() => done++);
  // simulate completions in batches
  while (done < N) { const rs = resolvers.splice(0); for (const r of rs) r(); await new Promise(r => setImmediate(r)); }
  console.log('p-queue us/job', ((performance.now() - t) / N * 1000).toFixed(2));
}
{
  const t = performance.now();
  let done = 0; const queue = []; let head = 0; let running = 0; const resolvers = [];
  const pump = () => { while (running < 64 && head < queue.length) { head++; running++; new Promise(r => resolvers.push(r)).then(() => { running--; done++; pump(); }); } };
  for (let i = 0; i < N; i++) { queue.push(i); pump(); }
  while (done < N) { const rs = resolvers.splice(0); for (const r of rs) r(); await new Promise(r => setImmediate(r)); }
  console.log('fifo us/job', ((performance.now() - t) / N * 1000).toFixed(2));
}
