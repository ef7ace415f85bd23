import type { RequestHandler } from 'express';
import type { HealthRepository } from './health.repository';
import type { Redis } from '../../lib/redis/redis';
import type { HealthCheck } from './health.schemas';
import { withTimeout } from '../../lib/time/clock';

async function check(name: HealthCheck['name'], probe: () => Promise<unknown>, timeoutMs = 1000): Promise<HealthCheck> {
  const started = Date.now();
  try {
    await withTimeout(probe(), timeoutMs, 'timeout');
    return { name, ok: true, ms: Date.now() - started };
  } catch (err) {
    return { name, ok: false, ms: Date.now() - started, error: err instanceof Error ? err.message : String(err) };
  }
}

/** GET /healthz: the process is up. GET /readyz: PostgreSQL and Redis answer (503 otherwise). */
export function createHealthHandlers(deps: { db: HealthRepository; redis: Redis | null; isShuttingDown: () => boolean }) {
  const live: RequestHandler = (_req, res) => {
    res.json({ code: 0, message: 'ok', data: { status: 'up' } });
  };
  const ready: RequestHandler = async (_req, res) => {
    const redis = deps.redis;
    const checks = await Promise.all([
      check('postgres', () => deps.db.ping()),
      redis ? check('redis', () => redis.ping()) : Promise.resolve<HealthCheck>({ name: 'redis', ok: true, ms: 0, mode: 'in-memory' }),
    ]);
    const ready = !deps.isShuttingDown() && checks.every((c) => c.ok);
    res.status(ready ? 200 : 503).json(
      ready
        ? { code: 0, message: 'ok', data: { status: 'ready', checks } }
        : { code: -1, message: deps.isShuttingDown() ? 'Shutting down' : 'Not ready', error: { type: 'not_ready', checks } },
    );
  };
  return { live, ready };
}
