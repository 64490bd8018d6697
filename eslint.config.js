import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'simulator/dist/',
      'node_modules/',
      'coverage/',
      'sdk/**/dist/',
      'data/',
      'artifacts/',
      '.tmp/',
      // the seed's example, verbatim (its results are unused; it is type-checked by sdk/typescript/examples/tsconfig.json)
      'sdk/typescript/examples/seed.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration from AppConfig (src/config), not process.env.',
        },
      ],
    },
  },
  {
    files: [
      'test/**/*.ts',
      'src/**/*.spec.ts',
      'src/config/app-config.ts',
      'src/main.ts',
      'bench/**/*.ts',
      'simulator/**/*.ts',
      'scripts/**',
    ],
    rules: {
      'no-restricted-syntax': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
);
