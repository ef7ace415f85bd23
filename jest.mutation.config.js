// Jest configuration for mutation runs only (npm run test:mutation): one project with the same
// transform and environment as jest.config.js, restricted to the test files of the selected
// module(s) (tests/mutation/modules.cjs). No e2e, drills, media/convert or fuzz tests: they do not
// exercise these modules and would make every mutant run minutes long.
const { selected } = require('./tests/mutation/modules.cjs');

/** @type {import('jest').Config} */
module.exports = {
  // node plus bail at the first failing test (a mutant is killed by one): see the file
  testEnvironment: require('node:path').join(__dirname, 'tests/mutation/bail-environment.cjs'),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  roots: ['<rootDir>/apps', '<rootDir>/tests'],
  testPathIgnorePatterns: ['/node_modules/', '/generated/'],
  testTimeout: 30_000,
  testMatch: selected().tests.map((p) => `<rootDir>/${p}`),
  // One migrated template per Stryker worker instead of one per mutant (see the file).
  globalSetup: '<rootDir>/tests/mutation/global-setup.ts',
  globalTeardown: '<rootDir>/tests/mutation/global-teardown.ts',
};
