/**
 * The kinds of value a plugin can ask the child to build and inject into a call.
 */
import { PipeComm } from './comm/pipe-comm.js';
import type { Injector } from './call-context.js';

export function defaultInjectors(): Map<string, Injector> {
  return new Map<string, Injector>([['comm', (context, name, spec) => new PipeComm(name, context, spec.kind === 'comm' ? spec.call : undefined)]]);
}
