import { recycleAfterRun } from './db-pool';

/**
 * After each jest run of a mutation worker: the template stays for the worker's lifetime
 * (global-setup.ts); the run's test databases are dropped, and spares made, in the background.
 */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.TWDOWN_TEST_TEMPLATE_DB;
  if (template) await recycleAfterRun(template);
}
