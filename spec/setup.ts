/**
 * Process warnings fail the test that caused them: a deprecation or a leaked listener today is a
 * broken user tomorrow. spec/environment.mjs collects them from the real process.
 */
const warnings = (globalThis as { __processWarnings?: string[] }).__processWarnings ?? [];

afterEach(async () => {
  // Warnings are emitted on the next tick: let the ones this test caused arrive.
  await new Promise((resolve) => setImmediate(resolve));
  const seen = warnings.splice(0);
  if (seen.length > 0) throw new Error(`Process warnings: ${seen.join('; ')}`);
});
