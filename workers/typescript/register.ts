/**
 * `node --import forkline/register app.ts`: runs a TypeScript host (or any script) with the same
 * hooks and transpile cache the children use. Source maps are on, and so children get them too.
 */
import { installTypeScriptHooks } from './install.js';

installTypeScriptHooks();
process.setSourceMapsEnabled(true);
