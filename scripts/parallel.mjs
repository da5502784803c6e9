// `node scripts/parallel.mjs typecheck lint jest`: runs those npm scripts at once and fails if any
// of them fails. The last one runs as usual, its output live; the others run at the lowest CPU
// priority (nice 19), each one's output printed whole when it ends.
//
// Why: jest's workers spend part of their time waiting on their children's clocks, and tsc and
// eslint (70 CPU-s between them) can use those gaps. At nice 19 they get the CPU only when jest
// leaves it (Linux gives them about 1/70 of a core jest wants), so the timing-sensitive specs
// see no more load than they would alone: run at normal priority beside jest they made specs
// time out on a loaded machine. At worst the checks finish after jest, as if run after it.
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
const runs = names.map(
  (name, index) =>
    new Promise((resolve) => {
      const started = Date.now();
      const live = index === names.length - 1;
      const [command, ...args] = live || process.platform === 'win32' ? ['npm', 'run', name] : ['nice', '-n', '19', 'npm', 'run', name];
      const child = spawn(command, args, { stdio: ['ignore', live ? 'inherit' : 'pipe', live ? 'inherit' : 'pipe'] });
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
