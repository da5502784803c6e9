#!/usr/bin/env node
/**
 * The `forkline` command: `forkline run ./experiments.ts#train --input configs.jsonl`.
 */
import { readFileSync } from 'node:fs';
import { parseRunArgs } from './args.js';
import { EXIT } from './exit-codes.js';
import { MAIN_HELP, RUN_HELP, UsageError } from './usage.js';

// `forkline run | head -1`: the reader of our stdout may go away. The batch's product is its
// results file, so it goes on; what it would print (progress, the summary) is dropped, quietly,
// instead of crashing the host on EPIPE with its children's calls in flight.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return EXIT.OK;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(MAIN_HELP);
    return command === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (command === 'worker') return (await import('./worker.js')).runWorker(rest, process.stderr);
  if (command !== 'run') throw new UsageError(`unknown command ${JSON.stringify(command)}; the commands are run and worker (forkline --help)`);
  const settings = parseRunArgs(rest, process.cwd());
  if (settings === 'help') {
    process.stdout.write(RUN_HELP);
    return EXIT.OK;
  }
  // The pool warms before the rest of the CLI loads (warm-pool.ts): its children boot meanwhile.
  const scheduler = (await import('./warm-pool.js')).warmPool(settings, process.stderr);
  const { runBatch } = await import('./runner.js');
  return runBatch(settings, { stdout: process.stdout, stderr: process.stderr }, scheduler);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`forkline: ${error.message}\n`);
      process.exitCode = EXIT.USAGE;
    } else {
      process.stderr.write(`forkline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.FAILED;
    }
  },
);
