import { buildApp } from './app';
import { createContainer } from './container';
import { issueDemoKey } from './demo';
import type { Env } from './lib/config/env';
import { createHttpServer } from './lib/http/server';
import { EMBEDDED_DATA_DIR, startEmbeddedPostgres, type EmbeddedPostgres } from './lib/db/embedded';
import { migrateDatabase } from './lib/db/migrate';
import { createLogger } from './lib/logger/logger';
import { describeRedisTarget, redisTargetFrom } from './lib/redis/redis';

const CLOSE_TIMEOUT_MS = 1_000;
const ANSWER_TIMEOUT_MS = 500;

/**
 * One API process: migrations (under the advisory lock), the container, the HTTP server, and a
 * graceful shutdown on SIGTERM/SIGINT. main.ts runs it directly or in each cluster worker.
 */
export async function startServer(env: Env): Promise<void> {
  const logger = createLogger({ level: env.LOG_LEVEL });

  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(EMBEDDED_DATA_DIR);
    databaseUrl = embedded.url;
    logger.warn(
      '*** DATABASE_URL is not set: using an EMBEDDED in-process PostgreSQL (PGlite, data in .data/pglite). For demos only; set DATABASE_URL for real use. ***',
    );
  }
  const redisTarget = redisTargetFrom(env);
  if (redisTarget) logger.info({ redis: describeRedisTarget(redisTarget) }, 'using Redis');
  else {
    logger.warn(
      '*** REDIS_URL (or REDIS_CLUSTER_NODES) is not set: rate limits, X tokens and the result cache are IN-MEMORY and per process. For demos only; set REDIS_URL for real use. ***',
    );
  }
  const applied = await migrateDatabase(databaseUrl);
  if (applied.length) logger.info({ applied }, 'database migrations applied');

  const container = await createContainer({
    env,
    logger,
    databaseUrl,
    redisTarget,
    maxDbConnections: embedded ? 1 : 10,
    keyPrefix: env.REDIS_KEY_PREFIX,
  });
  const app = buildApp(container.deps);
  const http = createHttpServer(app, {
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
    logger,
  });
  const port = await http.listen(env.PORT, env.HOST);
  logger.info({ port }, `twdown API listening on http://localhost:${port}/api/v1`);

  if (embedded) {
    const key = await issueDemoKey(container);
    const msg = [
      '',
      '  Quick start — a premium demo key (new on every start, the previous one is revoked):',
      `    ${key}`,
      '',
      `  curl -X POST http://localhost:${port}/api/v1/twitter -H "Authorization: Bearer ${key}" \\`,
      `       -H "Content-Type: application/json" -d '{"url":"https://x.com/sim_video/status/992010"}'`,
      `  Docs: http://localhost:${port}/api/v1/twitter`,
      `  X upstream: ${env.X_API_BASE_URL}${env.X_API_BASE_URL.includes('x.com') ? '  (offline? run `npm run sim:x` and set X_API_BASE_URL/X_SYNDICATION_BASE_URL to it)' : ''}`,
      '',
    ].join('\n');
    process.stdout.write(`${msg}\n`);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: env.SHUTDOWN_GRACE_MS }, 'shutting down: finishing in-flight requests');
    container.beginShutdown();
    // A last resort if closing the services itself hangs: the drain answers every request by the
    // end of the grace period, so only a stuck close gets here.
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, env.SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    const finish = async () => {
      // The grace period covers everything: requests get what is left after the time reserved
      // for answering the stragglers (0.5 s) and closing the services (1 s).
      await http.drain(Math.max(0, env.SHUTDOWN_GRACE_MS - ANSWER_TIMEOUT_MS - CLOSE_TIMEOUT_MS));
      // Usage is flushed first thing in close(); what may hang after it (an X request that never
      // answers keeps the X client's pool open) must not keep the process alive: 1 s, then exit.
      const closed = await Promise.race([
        container.close().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS).unref()),
      ]);
      if (!closed) logger.warn('services did not close within 1 s; exiting anyway');
      if (embedded) await embedded.stop();
      logger.info('bye');
    };
    finish().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while closing connections');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
