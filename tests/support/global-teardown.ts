import { withAdmin } from './db';
import { stopServices } from './services';

export default async function globalTeardown(): Promise<void> {
  try {
    const template = process.env.TWDOWN_TEST_TEMPLATE_DB;
    if (template) await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
    await globalThis.twdownTestCluster?.stop();
  } finally {
    stopServices(); // the throwaway servers global setup started, if any
  }
}
