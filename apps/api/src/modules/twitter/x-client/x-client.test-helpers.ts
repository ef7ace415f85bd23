/** Test support for the X client suites: a capturing logger, Redis key hygiene, a config factory. */
import { randomUUID } from 'node:crypto';
import { connectTestRedis, deleteKeysWithPrefix } from '../../../../../../tests/support/redis';
import type { Redis } from '../../../lib/redis/redis';
import type { XClientConfig } from './x-client';
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
