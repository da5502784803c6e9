/**
 * First-task latency: the same module as startup.ts, in JavaScript.
 */
export function greet(name, options = {}) {
  const greeting = options.greeting ?? 'Hello';
  return { text: `${greeting}, ${name}!`, pid: process.pid };
}
