/**
 * The CLI program of ./forkline.mjs on tinypool's child processes.
 */
import { Tinypool } from 'tinypool';

const pool = new Tinypool({ filename: new URL('./tinypool-worker.mjs', import.meta.url).href, runtime: 'child_process', minThreads: 2, maxThreads: 2 });
const results = await Promise.all([24, 25, 26, 27].map((n) => pool.run(n)));
console.log(results.sort((a, b) => a - b).join(' '));
await pool.destroy();
