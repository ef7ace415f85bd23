import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../apps/api/src/app';
import { createContainer, type Container } from '../../apps/api/src/container';
import { loadEnv, type Env } from '../../apps/api/src/lib/config/env';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { createXSim, type XSim, type XSimOptions } from '../../apps/x-sim/src';
import type { RedisTarget } from '../../apps/api/src/lib/redis/redis';
import { createTestDatabase, type TestDatabase } from './db';
import { deleteRedisPrefix, redisEnvFor, testRedisTarget } from './redis';
import { startSmtpSink, type SmtpSink } from './smtp';

export interface HarnessOptions {
  env?: Record<string, string>;
  sim?: XSimOptions;
  /**
   * null = run without Redis (embedded-mode behaviour); a URL = that Redis (e.g. an unreachable
   * one). Unset = the run's Redis: the shared server, or the local cluster under `npm run test:cluster`.
   */
  redisUrl?: string | null;
  /** A Redis (e.g. a cluster) the test owns; its keys under the prefix are deleted at close. */
  redisTarget?: RedisTarget;
  /** Clock for keys, sessions, premium grace and billing (tests move time with it). */
  now?: () => Date;
  /** Receives the app's JSON log lines (tests read what the logs contain). */
  logLines?: string[];
}

export interface Harness {
  app: ReturnType<typeof buildApp>;
  container: Container;
  sim: XSim;
  simUrl: string;
  env: Env;
  db: TestDatabase;
  /** The single Redis's URL; null without Redis or in cluster mode (see redisEnv). */
  redisUrl: string | null;
  redisTarget: RedisTarget | null;
  /** REDIS_URL / REDIS_CLUSTER_NODES for a server or CLI process spawned on the same Redis. */
  redisEnv: Record<string, string>;
  keyPrefix: string;
  /** The SMTP server the app sends account mails to (SMTP_URL), unless the test set its own. */
  mail: SmtpSink;
  /** Creates an account (premium by default) and a key; returns the full key. */
  createKey(opts?: { premium?: boolean; email?: string; name?: string }): Promise<{ key: string; userId: string; keyId: string }>;
  /** Starts the app on a real port (for browser and multi-process tests). */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real app on a fresh PostgreSQL database, the real Redis (keys under a random prefix)
 * and the X simulator over real HTTP. Nothing of ours is mocked.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const sim = createXSim(opts.sim);
  const { url: simUrl } = await sim.start();
  const db = await createTestDatabase();
  const mail = await startSmtpSink();
  const ownRedis = opts.redisUrl === undefined;
  const redisTarget: RedisTarget | null = opts.redisTarget ?? (ownRedis ? testRedisTarget() : opts.redisUrl ? { url: opts.redisUrl } : null);
  const redisUrl = redisTarget && 'url' in redisTarget ? redisTarget.url : null;
  const redisEnv = redisEnvFor(redisTarget);
  const env = loadEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    ...redisEnv,
    X_API_BASE_URL: simUrl,
    X_SYNDICATION_BASE_URL: simUrl,
    X_MEDIA_BASE_URL: `${simUrl}/media`,
    X_MAX_RETRIES: '1',
    X_BODY_TIMEOUT_MS: '2000',
    SMTP_URL: mail.url,
    ...opts.env,
  });
  const keyPrefix = `twdown-test:${randomBytes(5).toString('hex')}`;
  const lines = opts.logLines;
  const logger = lines
    ? createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } })
    : createLogger({ level: env.LOG_LEVEL });
  const container = await createContainer({ env, logger, databaseUrl: db.url, redisTarget, keyPrefix, now: opts.now });
  const app = buildApp(container.deps);
  let server: Server | undefined;
  let counter = 0;

  return {
    app,
    container,
    sim,
    simUrl,
    env,
    db,
    redisUrl,
    redisTarget,
    redisEnv,
    keyPrefix,
    mail,
    async createKey(o = {}) {
      const email = o.email ?? `user${++counter}-${randomBytes(4).toString('hex')}@example.com`;
      const user = await container.users.findOrCreate(email);
      if (o.premium ?? true) await container.users.setComplimentaryPremium(user.id, true);
      const { key, view } = await container.keys.create(user.id, o.name ?? 'test');
      return { key, userId: user.id, keyId: view.id };
    },
    async listen() {
      if (!server) {
        const s = app.listen(0, '127.0.0.1');
        await new Promise<void>((resolve) => s.once('listening', () => resolve()));
        server = s;
      }
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      await container.close();
      await sim.stop();
      await mail.stop();
      if (ownRedis && redisTarget) await deleteRedisPrefix(redisTarget, keyPrefix);
      await db.drop();
    },
  };
}

export { deleteRedisPrefix };

/** Authorization header for supertest. */
export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
