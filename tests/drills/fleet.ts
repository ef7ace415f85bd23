/**
 * Fault drills run real server processes: a harness (database, Redis prefix, X simulator, and
 * an in-process container the test uses to create accounts) plus N API processes spawned with
 * the same configuration, as a deployment behind a load balancer would run them.
 */
import { spawnApi, type ApiProcess } from '../support/processes';
import { startHarness, type Harness, type HarnessOptions } from '../support/harness';

export interface Fleet {
  h: Harness;
  apis: ApiProcess[];
  /** the environment the API processes got (change it, then add() starts one with it) */
  env: Record<string, string>;
  add(): Promise<ApiProcess>;
  stop(): Promise<void>;
}

export async function startFleet(size: number, opts: { harness?: HarnessOptions; env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<Fleet> {
  const h = await startHarness(opts.harness);
  const env = {
    DATABASE_URL: h.db.url,
    ...h.redisEnv,
    REDIS_KEY_PREFIX: h.keyPrefix,
    X_API_BASE_URL: h.simUrl,
    X_SYNDICATION_BASE_URL: h.simUrl,
    ...opts.env,
  };
  const apis = await Promise.all(Array.from({ length: size }, () => spawnApi(env, 60_000, undefined, opts.nodeArgs)));
  return {
    h,
    apis,
    env,
    async add() {
      const api = await spawnApi(env, 60_000, undefined, opts.nodeArgs);
      apis.push(api);
      return api;
    },
    async stop() {
      await Promise.all(apis.map((a) => a.stop('SIGKILL')));
      await h.close();
    },
  };
}

/** A request that passes auth and the rate limiter, then stops at URL validation (400): no X call. */
export const PAST_LIMITER = JSON.stringify({ url: 'https://example.com/not-a-post' });

export function postTwitter(baseUrl: string, key: string, body = PAST_LIMITER): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/twitter`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body,
  });
}

export async function statusOf(p: Promise<Response>): Promise<number> {
  const res = await p;
  await res.arrayBuffer();
  return res.status;
}

/** One line per drill figure, prefixed so it is easy to find in CI output. */
export function report(drill: string, figure: string): void {
  process.stdout.write(`\n[drill] ${drill}: ${figure}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
