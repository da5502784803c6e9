/**
 * The kinds of value a plugin can ask the child to build and inject into a call.
 */
import { PipeComm } from './comm.js';
import type { Injector } from './runtime.js';

export function defaultInjectors(): Map<string, Injector> {
  return new Map<string, Injector>([['comm', (context, name) => new PipeComm(name, context)]]);
}
