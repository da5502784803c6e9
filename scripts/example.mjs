// `npm run example -- NAME`: runs docs/examples/NAME.ts with forkline's TypeScript hooks.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const examples = fileURLToPath(new URL('../docs/examples/', import.meta.url));
const available = readdirSync(examples)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.task.ts'))
  .map((file) => file.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`Usage: npm run example -- NAME, where NAME is one of: ${available.join(', ')}`);
  process.exit(2);
}
const { status } = spawnSync(process.execPath, ['--import', 'forkline/register', `${examples}${name}.ts`], { stdio: 'inherit' });
process.exit(status ?? 1);
