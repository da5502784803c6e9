/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: '<rootDir>/spec/environment.mjs',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  // Tests use the built package, as users do: `npm test` builds first.
  moduleNameMapper: {
    '^forkline$': '<rootDir>/dist/lib/index.js',
    '^forkline/progress$': '<rootDir>/dist/lib/progress/index.js',
    '^forkline/queue$': '<rootDir>/dist/lib/queue/index.js',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  setupFilesAfterEnv: ['<rootDir>/spec/setup.ts'],
  testTimeout: 30000,
  // Children are real processes: two test files at a time keeps a 2-core machine responsive.
  maxWorkers: 2,
};
