/**
 * `node --import forkline/register app.ts`: runs a TypeScript host (or any script) with the same
 * type-stripping hooks and transpile cache the children use.
 */
import { register } from 'node:module';

register('./hooks.js', import.meta.url);
process.setSourceMapsEnabled(true);
