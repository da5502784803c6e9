/**
 * The CLI program of ./forkline.mjs on workerpool's child processes.
 */
import workerpool from 'workerpool';

const pool = workerpool.pool(new URL('./workerpool-worker.mjs', import.meta.url).pathname, { workerType: 'process', minWorkers: 2, maxWorkers: 2 });
const results = await Promise.all([24, 25, 26, 27].map((n) => pool.exec('fib', [n])));
console.log(results.sort((a, b) => a - b).join(' '));
await pool.terminate();
