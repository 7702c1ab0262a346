import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * ESLint (flat config): the recommended rules of ESLint and typescript-eslint, which the code passes as it is.
 * Formatting is Prettier's business (npm run format), not the linter's. Which folder may import which is checked
 * by test/foundation/layers.test.ts, which knows the layers (docs/architecture.md).
 */
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-results/', '.lineage/', 'neo4j-local/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a binding that is there on purpose: an ignored argument, a field left out of a rest copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `x == null` is the idiom for "null or undefined"; everything else compares strictly.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Tests, benchmarks and the explorer read GraphQL answers, which are untyped JSON: `any` is the honest type there.
    files: ['test/**', 'bench/**', 'explorer/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
