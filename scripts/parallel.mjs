// `node scripts/parallel.mjs typecheck lint jest`: runs those npm scripts at once and fails if any
// of them fails. tsc and eslint use one core each and jest's workers wait on their children's
// clocks, so together they finish well before one after the other. The last script's output is
// live; each other one's is printed whole when it ends, so the logs do not interleave mid-line.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
const runs = names.map(
  (name, index) =>
    new Promise((resolve) => {
      const started = Date.now();
      const live = index === names.length - 1;
      const child = spawn('npm', ['run', name], { stdio: ['ignore', live ? 'inherit' : 'pipe', live ? 'inherit' : 'pipe'] });
      const output = [];
      child.stdout?.on('data', (chunk) => output.push(chunk));
      child.stderr?.on('data', (chunk) => output.push(chunk));
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
