// The node test environment plus bail, for mutation runs only (jest.mutation.config.js). A mutant
// is killed by its first failing test, so the rest of that jest run is wasted work; Stryker asks
// for bail but cannot get it from jest programmatically (its jest runner sets `bail: false`), so
// every covering test used to run: ~16 tests per auth mutant, some of them waiting seconds for a
// pub/sub message that the mutant never sends.
//
// jest-circus announces each test (`test_start`) before deciding whether to skip it, so a test
// announced after a failure is marked skipped. The flag lives on the worker's own global
// (environments run outside the tests' sandbox), so it also spans the run's other test files;
// the mutation global setup clears it before each jest run. The dry run, where every test must
// pass, never trips it. Plain CommonJS: Stryker's environment wrapper loads it with require().
'use strict';
const { TestEnvironment } = require('jest-environment-node');

const FAILED = Symbol.for('twdown.mutation.failedInThisRun');

class BailEnvironment extends TestEnvironment {
  /** @param {import('@jest/types').Circus.Event} event */
  handleTestEvent(event) {
    if (event.name === 'test_start' && globalThis[FAILED]) event.test.mode = 'skip';
    else if (event.name === 'test_fn_failure' || event.name === 'hook_failure') globalThis[FAILED] = true;
  }
}

module.exports = BailEnvironment;
