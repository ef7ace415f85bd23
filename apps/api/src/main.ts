import cluster from 'node:cluster';
import { loadEnvOrExit } from './lib/config/env';
import { EmbeddedDatabaseBusyError } from './lib/db/embedded';
import { createLogger } from './lib/logger/logger';
import { runClusterPrimary } from './lib/process/cluster-primary';
import { startServer } from './server';

/**
 * Entry point of `npm start` (tsx) and `npm run start:prod` (node apps/api/dist/main.js).
 * WEB_CONCURRENCY > 1 runs that many workers of the server on one machine (node:cluster).
 */
function main(): void {
  const env = loadEnvOrExit();
  if (env.WEB_CONCURRENCY > 1 && cluster.isPrimary) {
    if (!env.DATABASE_URL) {
      process.stderr.write(
        'WEB_CONCURRENCY > 1 needs DATABASE_URL: the embedded PostgreSQL (PGlite) serves one process. Set DATABASE_URL or WEB_CONCURRENCY=1.\n',
      );
      process.exit(1);
    }
    runClusterPrimary({ workers: env.WEB_CONCURRENCY, logger: createLogger({ level: env.LOG_LEVEL }) });
    return;
  }
  startServer(env).catch((err: unknown) => {
    if (err instanceof EmbeddedDatabaseBusyError) {
      process.stderr.write(`twdown failed to start: ${err.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`twdown failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

main();
