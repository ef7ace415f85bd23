// Jest needs a default export for its config file.
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  roots: ['<rootDir>/apps', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/generated/'],
  testTimeout: 30_000,
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
};

export default config;
