/**
 * First-task cost per Node line (../startup-lines.mjs): the module of ./startup.mjs, which also
 * says how long its child had been up and how much CPU it had used when the call ran. CPU time
 * is what a busy machine inflates least: on 2 shared CPUs the wall clock mostly measures others.
 */
export function greet(name, options = {}) {
  const greeting = options.greeting ?? 'Hello';
  const { user, system } = process.cpuUsage();
  return { text: `${greeting}, ${name}!`, pid: process.pid, upMs: performance.now(), cpuMs: (user + system) / 1000 };
}
