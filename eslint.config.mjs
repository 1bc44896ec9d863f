import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'cdk.out/', 'node_modules/', 'coverage/', '**/*.js', '**/*.mjs', '**/*.d.ts'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
      // `||` turns false and 0 into the default (DSF's Athena bug); defaults use `??`.
      '@typescript-eslint/prefer-nullish-coalescing': 'off',
    },
  },
);
