/**
 * First-task latency: the same module as startup.mjs, in TypeScript (types to strip).
 */
export interface GreetOptions {
  readonly greeting?: string;
}

export interface Greeting {
  readonly text: string;
  readonly pid: number;
}

export function greet(name: string, options: GreetOptions = {}): Greeting {
  const greeting: string = options.greeting ?? 'Hello';
  return { text: `${greeting}, ${name}!`, pid: process.pid };
}
