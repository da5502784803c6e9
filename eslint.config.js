// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // spec/.queue-examples-*/: copies of the docs' examples that spec/queue/seed.spec.ts writes and
  // removes while `npm test` lints in parallel (a file gone mid-lint failed CI once).
  {
    ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/', 'spec/fixtures/project/', 'spec/fixtures/compiled-host/', 'spec/.queue-examples-*/'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allowBoolean: true,
          allowNullish: true,
          // forkline's printable classes define toString() for exactly this.
          allow: [
            { from: 'package', package: 'forkline', name: ['CommMsg', 'HostComm', 'Future', 'Task'] },
            { from: 'file', name: ['CommMsg', 'HostComm', 'Future', 'Task'] },
          ],
        },
      ],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-invalid-void-type': 'off',
      '@typescript-eslint/unified-signatures': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.node }, parserOptions: { projectService: false } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    files: ['spec/**/*.ts'],
    rules: {
      // Tests reach into values whose shape they just asserted.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
