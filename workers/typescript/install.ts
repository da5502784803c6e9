/**
 * Installs the TypeScript hooks in this process, once.
 *
 * `module.registerHooks()` (Node 22.15+) runs them in-thread: no hooks thread to start (21 ms),
 * no deprecation warning (Node 26 deprecates `module.register()`), and they apply to `require()`
 * as well as `import`. Node 20 has only `module.register()`, which runs the same hooks on a
 * thread of their own.
 */
import * as nodeModule from 'node:module';
import type * as Hooks from './hooks.js';

type RegisterHooks = (hooks: { resolve: typeof Hooks.resolve; load: typeof Hooks.load }) => unknown;

let installing: Promise<void> | undefined;

export function installTypeScriptHooks(): Promise<void> {
  installing ??= install();
  return installing;
}

async function install(): Promise<void> {
  const registerHooks = (nodeModule as { registerHooks?: RegisterHooks }).registerHooks;
  if (registerHooks) {
    const { resolve, load } = await import('./hooks.js');
    registerHooks({ resolve, load });
  } else {
    // The hooks thread imports the hooks itself: this thread never needs them.
    nodeModule.register(new URL('./hooks.js', import.meta.url));
  }
}
