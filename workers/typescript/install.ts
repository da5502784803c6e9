/**
 * Installs the TypeScript hooks in this process, once.
 *
 * `module.registerHooks()` (Node 22.15+) runs them in-thread: no hooks thread to start (21 ms),
 * no deprecation warning (Node 26 deprecates `module.register()`), and they apply to `require()`
 * as well as `import`. Node 20 has only `module.register()`, which runs the same hooks on a
 * thread of their own.
 */
import * as nodeModule from 'node:module';
import { load, resolve } from './hooks.js';

type RegisterHooks = (hooks: { resolve: typeof resolve; load: typeof load }) => unknown;

let installed = false;

export function installTypeScriptHooks(): void {
  if (installed) return;
  installed = true;
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;
  if (registerHooks) registerHooks({ resolve, load });
  else nodeModule.register(new URL('./hooks.js', import.meta.url));
}
