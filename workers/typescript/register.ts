/**
 * `node --import forkline/register app.ts`: runs a TypeScript host (or any script) with the same
 * hooks and transpile cache the children use. Source maps are on, and so children get them too.
 */
import { resolve } from 'node:path';
import { installTypeScriptHooks } from './install.js';
import { formatOf } from './package-type.js';

/** Node 24+ can require() forkline from a CommonJS module the hooks loaded (checked on 20, 22, 24, 26). */
const CJS_HOSTS = Number(process.versions.node.split('.')[0]) >= 24;

const entry = process.argv[1];
if (!CJS_HOSTS && entry !== undefined && /\.[cm]?tsx?$/.test(entry) && formatOf(resolve(entry)) === 'commonjs') {
  process.stderr.write(
    `forkline/register cannot run ${entry} as a CommonJS host on Node ${process.versions.node}: before Node 24, require() of an ES module ` +
      "(forkline) from CommonJS loaded through module hooks fails inside Node ('is not in cache'). Make the host an ES module " +
      '(.mts, or "type": "module" in package.json), compile it with tsc, or use Node 24 or later.\n',
  );
  process.exit(1);
}

await installTypeScriptHooks();
process.setSourceMapsEnabled(true);
