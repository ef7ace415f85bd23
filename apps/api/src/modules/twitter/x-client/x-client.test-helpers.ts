/**
 * Test support for the X client suites: a capturing logger, Redis key hygiene, a config factory,
 * and the lifecycle every simulator-backed suite shares (useSimSuite).
 */
import { randomUUID } from 'node:crypto';
import { connectTestRedis, deleteKeysWithPrefix } from '../../../../../../tests/support/redis';
import { createXSim, type XSim } from '../../../../../x-sim/src/index';
import type { Redis } from '../../../lib/redis/redis';
import { createXClient, type XClient, type XClientConfig } from './x-client';
import type { Logger } from './x-client.types';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

export function captureLogger(): Logger & { entries: LogEntry[]; at(level: LogEntry['level']): LogEntry[] } {
  const entries: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (obj: object, msg?: string) => {
    entries.push({ level, obj: obj as Record<string, unknown>, msg });
  };
  return {
    entries,
    at: (level) => entries.filter((e) => e.level === level),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
}

/** A unique prefix per test file (and per test when needed), removed by `dropKeys`. */
export function uniquePrefix(suite: string): string {
  return `test:${suite}:${randomUUID()}:`;
}

/** Every master of a cluster is scanned (tests/support/redis.ts). */
export function dropKeys(redis: Redis, prefix: string): Promise<void> {
  return deleteKeysWithPrefix(redis, prefix);
}

export function clientConfig(baseUrl: string, keyPrefix: string, overrides: Partial<XClientConfig> = {}): XClientConfig {
  return {
    apiBaseUrl: baseUrl,
    syndicationBaseUrl: baseUrl,
    // The simulator's media host: a player card's VMAP must never be asked of the real X.
    mediaBaseUrl: `${baseUrl}/media`,
    connectTimeoutMs: 500,
    bodyTimeoutMs: 1_000,
    maxRetries: 1,
    retryBaseDelayMs: 20,
    guestTokenTtlSeconds: 3_600,
    keyPrefix,
    breaker: { failureThreshold: 50, windowMs: 10_000, coolDownMs: 1_000 },
    ...overrides,
  };
}

/** The run's Redis: the shared server, or the local cluster under `npm run test:cluster`. */
export function newRedis(): Redis {
  return connectTestRedis();
}

/** Ids of the simulator's synthetic fixtures (present without the recorded set). */
export const IDS = {
  video: '992010',
  photos: '992011',
  textOnly: '992021',
  protected: '992001',
  unknown: '123456789',
} as const;

export interface SimSuite {
  /** The X simulator: started before the file's first test, reset before each, stopped after the last. */
  readonly sim: XSim;
  /** The simulator's base URL (inside tests and hooks). */
  readonly url: string;
  /** The run's Redis (inside tests and hooks); the file's keys are removed after its last test. */
  readonly redis: Redis;
  /** This file's Redis key prefix. */
  readonly prefix: string;
  /**
   * An X client on the simulator, closed after the test. Its own key prefix (a fresh guest-token
   * store) unless `prefix` is given; `baseUrl` points it elsewhere; `logger` to read its log.
   */
  client(opts?: { overrides?: Partial<XClientConfig>; prefix?: string; baseUrl?: string; logger?: Logger }): XClient;
}

/** Registers the simulator, Redis and client lifecycle of one test file (call it inside `describe`). */
export function useSimSuite(name: string): SimSuite {
  const sim = createXSim({ tokenBudget: 1_000 });
  const prefix = uniquePrefix(name);
  const clients: XClient[] = [];
  let url: string | undefined;
  let redis: Redis | undefined;
  let count = 0;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useSimSuite: ${what} exists once the suite has started (inside a test or hook)`);
    return value;
  };

  beforeAll(async () => {
    ({ url } = await sim.start());
    redis = newRedis();
  });
  beforeEach(() => sim.reset());
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    if (redis) {
      await dropKeys(redis, prefix);
      redis.disconnect();
    }
    await sim.stop();
  });

  return {
    sim,
    prefix,
    get url() {
      return started(url, 'url');
    },
    get redis() {
      return started(redis, 'redis');
    },
    client(opts = {}) {
      const config = clientConfig(opts.baseUrl ?? started(url, 'url'), opts.prefix ?? `${prefix}${count++}:`, opts.overrides);
      const c = createXClient({ redis: started(redis, 'redis'), logger: opts.logger ?? captureLogger(), config });
      clients.push(c);
      return c;
    },
  };
}
