// ESLint flat config. The root package has no "type": "module", so this file is CommonJS;
// ESLint reads the config from the module's default export, which in CommonJS is the value
// assigned to `module.exports` (that is why this file exports a single array this way).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
// `globals` is ESLint's own dependency (through @eslint/eslintrc), hoisted to node_modules.
const globals = require('globals');

// The data-access rule's message (see the block that uses it below).
const prismaOutsideRepository =
  "Only repositories (<feature>.repository.ts), lib/db and the composition root talk to Prisma: put the query in the feature's repository (docs/architecture.md).";

// House style: no default exports, except where a tool needs one (that file says why).
const noDefaultExport = [
  'error',
  {
    selector: 'ExportDefaultDeclaration',
    message: 'Use named exports (house style); default exports only where a tool requires one.',
  },
  {
    selector: 'ExportSpecifier[exported.name="default"]',
    message: 'Use named exports (house style); default exports only where a tool requires one.',
  },
];

module.exports = tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'apps/api/src/generated/**',
      '**/dist/**',
      '**/coverage/**',
      'tests/artifacts/**',
      'stryker-tmp/**',
      'reports/**',
    ],
  },

  // Everything linted: house-style ban on default exports.
  {
    rules: { 'no-restricted-syntax': noDefaultExport },
  },

  // TypeScript: type-aware rules through the root tsconfig.json.
  {
    files: ['apps/*/src/**/*.ts', 'tests/**/*.ts', 'prisma.config.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: __dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Default options (checksVoidReturn on everywhere). Express 5's RequestHandler type
      // returns `unknown` (and Express 5 forwards rejected handler promises to the error
      // handler), so async route handlers do not trip this rule and need no relaxation.
      '@typescript-eslint/no-misused-promises': 'error',
      // Same convention the compiler uses for noUnusedParameters: a leading underscore marks a
      // binding as deliberately unused (Express's 4-argument error handler, omitted fields).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
    },
  },

  // One data-access rule: PostgreSQL is reached through a feature's `<feature>.repository.ts`.
  // Only repositories, lib/db (the client, migrations, error helpers), the composition roots that
  // create the client and hand it to repository factories (container.ts, cli/main.ts) and tests
  // may import the Prisma client or its generated types; a service, route or middleware that
  // needs a query gets it from its repository.
  {
    files: ['apps/api/src/**/*.ts'],
    ignores: [
      'apps/api/src/**/*.repository.ts',
      'apps/api/src/lib/db/**',
      'apps/api/src/container.ts',
      'apps/api/src/cli/main.ts',
      'apps/api/src/**/*.test.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['@prisma/client', '@prisma/adapter-pg'].map((name) => ({ name, message: prismaOutsideRepository })),
          patterns: [
            {
              regex: '(^|/)(lib/db/prisma|generated/prisma(/.*)?)$',
              message: prismaOutsideRepository,
            },
          ],
        },
      ],
    },
  },

  // Tests: supertest's `res.body` (and `res.json()`-style helpers) are typed `any`, and the
  // tests assert on them directly; the no-unsafe-* family would flag every such assertion.
  // Everything else (any, non-null assertions, floating promises) still applies.
  {
    files: ['tests/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Jest loads globalSetup/globalTeardown modules through their default export.
  {
    files: ['tests/support/global-setup.ts', 'tests/support/global-teardown.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },

  // The same for the mutation-run setup/teardown, and Stryker's config file (npm run test:mutation).
  {
    files: ['tests/mutation/global-setup.ts', 'tests/mutation/global-teardown.ts', 'stryker.config.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },

  // Prisma's CLI loads prisma.config.ts through its default export, and its config type
  // declares adapter() as returning a Promise, so an async adapter() without await is intended.
  {
    files: ['prisma.config.ts'],
    rules: {
      'no-restricted-syntax': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },

  // Browser JS of the dashboard: ES modules loaded with <script type="module">.
  {
    files: ['apps/dashboard/public/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },

  // Tool configs at the root (this file, jest.config.js): CommonJS run by Node.
  {
    files: ['*.config.js', 'scripts/*.js'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'commonjs',
      globals: { ...globals.node },
    },
  },
);
