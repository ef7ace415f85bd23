// Mutation-testing scope (issue 7): the modules where a silent bug costs money or trust.
// Each entry names the source files Stryker mutates and the test files that exercise them.
// A run covers one module at a time (MUTATION_MODULE=<name> npm run test:mutation), because the
// HTTP tests import the whole app: restricting the test files per module is what keeps the dry
// run and every mutant run short on a 2-core machine. Without MUTATION_MODULE, all modules run
// together (the union of both lists) — correct but much slower.
'use strict';

const modules = {
  billing: {
    mutate: [
      'apps/api/src/modules/billing/premium.ts',
      'apps/api/src/modules/billing/stripe-webhook.service.ts',
      'apps/api/src/modules/billing/billing.service.ts',
    ],
    tests: ['apps/api/src/modules/billing/premium.test.ts', 'tests/billing/*.test.ts'],
  },
  auth: {
    mutate: ['apps/api/src/modules/keys/api-key.auth.ts', 'apps/api/src/modules/keys/auth-cache.ts'],
    tests: [
      'apps/api/src/modules/keys/auth-cache.test.ts',
      'tests/api/auth.test.ts',
      'tests/security/promises.test.ts',
      'tests/resilience/auth-outage.test.ts',
      'tests/resilience/contract.test.ts',
    ],
  },
  keys: {
    mutate: ['apps/api/src/modules/keys/key-format.ts', 'apps/api/src/modules/keys/keys.service.ts'],
    tests: ['tests/accounts/keys.test.ts', 'tests/api/auth.test.ts', 'tests/security/promises.test.ts'],
  },
  ratelimit: {
    mutate: ['apps/api/src/modules/ratelimit/*.ts'],
    tests: [
      'tests/api/rate-limit.test.ts',
      'tests/api/rate-limit-redis-restart.test.ts',
      'tests/resilience/abuse-limits.test.ts',
    ],
  },
  sessions: {
    mutate: [
      'apps/api/src/modules/accounts/sessions.service.ts',
      'apps/api/src/modules/accounts/session.middleware.ts',
      'apps/api/src/modules/accounts/auth-throttle.ts',
    ],
    tests: ['tests/accounts/csrf.test.ts', 'tests/accounts/signup-login.test.ts', 'tests/accounts/throttle.test.ts'],
  },
  usage: {
    mutate: ['apps/api/src/modules/usage/usage.service.ts', 'apps/api/src/modules/usage/usage.routes.ts'],
    tests: ['tests/api/usage-credits.test.ts', 'tests/api/usage-flush.test.ts'],
  },
};

/** The selected module(s): MUTATION_MODULE=billing,auth or unset for all. */
function selected() {
  const wanted = (process.env.MUTATION_MODULE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const names = wanted.length > 0 ? wanted : Object.keys(modules);
  for (const name of names) {
    if (!(name in modules)) {
      throw new Error(`MUTATION_MODULE: unknown module "${name}" (known: ${Object.keys(modules).join(', ')})`);
    }
  }
  const unique = (xs) => [...new Set(xs)];
  return {
    names,
    mutate: unique(names.flatMap((n) => modules[n].mutate)),
    tests: unique(names.flatMap((n) => modules[n].tests)),
  };
}

module.exports = { modules, selected };
