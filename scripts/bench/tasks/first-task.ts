/**
 * First-task cost per Node line (../startup-lines.mjs): ./first-task.mjs in TypeScript (types to
 * strip), as ./startup.ts is ./startup.mjs.
 */
export interface GreetOptions {
  readonly greeting?: string;
}

export interface Greeting {
  readonly text: string;
  readonly pid: number;
  /** ms since the child started. */
  readonly upMs: number;
  /** CPU ms the child had used (all its threads). */
  readonly cpuMs: number;
}

export function greet(name: string, options: GreetOptions = {}): Greeting {
  const greeting: string = options.greeting ?? 'Hello';
  const { user, system } = process.cpuUsage();
  return { text: `${greeting}, ${name}!`, pid: process.pid, upMs: performance.now(), cpuMs: (user + system) / 1000 };
}
