/**
 * Two projects (issue 12):
 * - `unit`: pure modules (URL intake, X parsers, response formats, config, the simulator's own
 *   logic). No PostgreSQL, no Redis, no global setup, so `npm test -- --selectProjects unit`
 *   runs in seconds on a laptop with nothing else started. A unit test that reached for the
 *   database would fail here: the template database only exists under the integration project.
 * - `integration`: everything else (real PostgreSQL, Redis, HTTP, browser), with the global setup
 *   that migrates a template database once per run.
 * `npm test` runs both.
 */
const UNIT = [
  '/apps/api/src/modules/twitter/parse/.*\\.test\\.ts$',
  '/apps/api/src/modules/twitter/x-client/(breaker|tls-ciphers)\\.test\\.ts$',
  '/apps/api/src/modules/keys/auth-cache\\.test\\.ts$',
  '/apps/api/src/modules/billing/premium\\.test\\.ts$',
  '/apps/api/src/modules/keys/key-format\\.test\\.ts$',
  '/apps/x-sim/src/.*\\.test\\.ts$',
  '/tests/config/.*\\.test\\.ts$',
  '/tests/unit/.*\\.test\\.ts$',
];

/** The same files as globs: the unit project selects with testMatch, so that a command-line --testMatch can replace it. */
const UNIT_GLOBS = [
  '**/apps/api/src/modules/twitter/parse/**/*.test.ts',
  '**/apps/api/src/modules/twitter/x-client/{breaker,tls-ciphers}.test.ts',
  '**/apps/api/src/modules/keys/auth-cache.test.ts',
  '**/apps/api/src/modules/billing/premium.test.ts',
  '**/apps/api/src/modules/keys/key-format.test.ts',
  '**/apps/x-sim/src/**/*.test.ts',
  '**/tests/config/**/*.test.ts',
  '**/tests/unit/**/*.test.ts',
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  roots: ['<rootDir>/apps', '<rootDir>/tests'],
  testPathIgnorePatterns: ['/node_modules/', '/generated/'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: UNIT_GLOBS,
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, ...UNIT],
      globalSetup: '<rootDir>/tests/support/global-setup.ts',
      globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
    },
  ],
};
