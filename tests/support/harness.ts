import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { buildApp } from '../../apps/api/src/app';
import { createContainer, type Container } from '../../apps/api/src/container';
import { loadEnv, type Env } from '../../apps/api/src/lib/config/env';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { createXSim, type XSim, type XSimOptions } from '../../apps/x-sim/src';
import { REDIS_URL, createTestDatabase, type TestDatabase } from './db';
import { startSmtpSink, type SmtpSink } from './smtp';

export interface HarnessOptions {
  env?: Record<string, string>;
  sim?: XSimOptions;
  /** null = run without Redis (embedded-mode behaviour); a URL = that Redis (e.g. an unreachable one) */
  redisUrl?: string | null;
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
  redisUrl: string | null;
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
  const redisUrl = opts.redisUrl === undefined ? REDIS_URL : opts.redisUrl;
  const env = loadEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
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
  const container = await createContainer({ env, logger, databaseUrl: db.url, redisUrl, keyPrefix, now: opts.now });
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
      if (redisUrl === REDIS_URL) await deleteRedisPrefix(redisUrl, keyPrefix);
      await db.drop();
    },
  };
}

export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Authorization header for supertest. */
export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
