// The test environment: jest's node environment, plus the process warnings the real process
// emits while a test file runs. Tests see a sandboxed `process` that never gets them, so the
// environment collects them for spec/setup.ts to fail the test that caused them.
import { TestEnvironment } from 'jest-environment-node';

export default class WarningsEnvironment extends TestEnvironment {
  #onWarning = (warning) => {
    if (warning.name === 'ExperimentalWarning') return;
    this.global.__processWarnings.push(`${warning.name}: ${warning.message}`);
  };

  async setup() {
    await super.setup();
    this.global.__processWarnings = [];
    process.on('warning', this.#onWarning);
  }

  async teardown() {
    process.off('warning', this.#onWarning);
    await super.teardown();
  }
}
