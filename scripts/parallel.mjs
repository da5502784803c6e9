// `node scripts/parallel.mjs build typecheck lint`: runs those npm scripts at once (tsc and eslint
// each use one core, and the machines have two or more), prints each one's output whole when it
// ends, so the logs do not interleave, and fails if any of them fails.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
const runs = names.map(
  (name) =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn('npm', ['run', name], { stdio: ['ignore', 'pipe', 'pipe'] });
      const output = [];
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
      child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
      child.on('close', (code, signal) => {
        process.stdout.write(Buffer.concat(output));
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(code === 0 ? `npm run ${name}: ok in ${seconds} s` : `npm run ${name} failed (${code ?? signal}) after ${seconds} s`);
        resolve(code === 0);
      });
    }),
);
if (!(await Promise.all(runs)).every(Boolean)) process.exitCode = 1;
