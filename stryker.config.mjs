// Mutation testing of the modules where a silent bug costs money or trust (issue 7).
//   npm run test:mutation                          all modules, one Stryker run each (tests/mutation/run-all.cjs)
//   MUTATION_MODULE=billing npm run test:mutation  one module (names in tests/mutation/modules.cjs)
//   MUTATION_MODULE=billing npx stryker run        the same module, without the summary table
// The sandbox directory must not start with a dot: express.static refuses paths through
// dot-directories, which breaks the dashboard page tests inside the sandbox.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { selected } = require('./tests/mutation/modules.cjs');
const scope = selected();
const tag = scope.names.join('+');

// Workers inherit this; their template databases carry it and are dropped when Stryker exits.
const run = randomBytes(4).toString('hex');
process.env.TWDOWN_MUTATION_RUN = run;
process.on('exit', () => {
  execFileSync(process.execPath, ['tests/mutation/drop-templates.cjs', run], { stdio: 'inherit' });
});

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  // findRelatedTests: a mutant's jest run loads only the module's test files that import the
  // mutated file (without it every test file of the scope is loaded again for every mutant).
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  // perTest: each mutant runs only the tests that executed its code in the dry run.
  coverageAnalysis: 'perTest',
  // Module-level code runs at import in every test file: a static mutant would need the whole
  // test set per mutant. They are reported as ignored, not hidden.
  ignoreStatic: true,
  checkers: [],
  concurrency: 2,
  // Added to the dry-run time of the covering tests (unit-level, about a second each); leaves
  // room for a loaded machine while an infinite-loop mutant costs seconds, not half a minute.
  timeoutMS: 8000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 10,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${tag}.json` },
  htmlReporter: { fileName: `reports/mutation/${tag}.html` },
  ignorePatterns: ['dist', 'reports', '.data', 'coverage', 'tests/artifacts'],
  mutate: scope.mutate,
  tempDirName: 'stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};
