// Mutation-testing scope (issue 7): the modules where a silent bug costs money or trust.
// Each entry names the source files Stryker mutates and the test files that exercise them.
// The tests are the unit-level files beside the code (real PostgreSQL/Redis, a tiny express app,
// no whole-app harness): a mutant costs about a second instead of the 10-30 s of the HTTP tests in
// tests/. A run covers one module at a time (MUTATION_MODULE=<name> npm run test:mutation);
// without MUTATION_MODULE all modules run together (the union of both lists).
'use strict';

const modules = {
  billing: {
    mutate: [
      'apps/api/src/modules/billing/premium.ts',
      'apps/api/src/modules/billing/stripe-webhook.service.ts',
      'apps/api/src/modules/billing/billing.service.ts',
    ],
    tests: [
      'apps/api/src/modules/billing/premium.test.ts',
      'apps/api/src/modules/billing/stripe-webhook.test.ts',
      'apps/api/src/modules/billing/billing.service.test.ts',
    ],
  },
  auth: {
    mutate: ['apps/api/src/modules/keys/api-key.auth.ts', 'apps/api/src/modules/keys/auth-cache.ts'],
    tests: [
      'apps/api/src/modules/keys/api-key.auth.test.ts',
      'apps/api/src/modules/keys/auth-cache.test.ts',
      'apps/api/src/modules/keys/auth-cache.redis.test.ts',
    ],
  },
  keys: {
    mutate: ['apps/api/src/modules/keys/key-format.ts', 'apps/api/src/modules/keys/keys.service.ts'],
    tests: ['apps/api/src/modules/keys/key-format.test.ts', 'apps/api/src/modules/keys/keys.service.test.ts'],
  },
  ratelimit: {
    mutate: ['apps/api/src/modules/ratelimit/*.ts', '!apps/api/src/modules/ratelimit/*.test.ts'],
    tests: ['apps/api/src/modules/ratelimit/*.test.ts'],
  },
  sessions: {
    mutate: [
      'apps/api/src/modules/accounts/sessions.service.ts',
      'apps/api/src/modules/accounts/session.middleware.ts',
      'apps/api/src/modules/accounts/auth-throttle.ts',
    ],
    tests: ['apps/api/src/modules/accounts/sessions.test.ts', 'apps/api/src/modules/accounts/auth-throttle.test.ts'],
  },
  usage: {
    mutate: ['apps/api/src/modules/usage/usage.service.ts', 'apps/api/src/modules/usage/usage.routes.ts'],
    tests: ['apps/api/src/modules/usage/*.test.ts'],
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
