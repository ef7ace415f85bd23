import { withAdmin } from './db';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.TWDOWN_TEST_TEMPLATE_DB;
  if (template) await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
  await globalThis.twdownTestCluster?.stop();
}
