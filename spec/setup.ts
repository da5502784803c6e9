/**
 * Process warnings fail the test that caused them: a deprecation or a leaked listener today is a
 * broken user tomorrow.
 */
const warnings: Error[] = [];
const onWarning = (warning: Error) => {
  if (warning.name === 'ExperimentalWarning') return;
  warnings.push(warning);
};
process.on('warning', onWarning);

afterEach(() => {
  const seen = warnings.splice(0);
  if (seen.length > 0) throw new Error(`Process warnings: ${seen.map((warning) => `${warning.name}: ${warning.message}`).join('; ')}`);
});
