import cluster, { type Worker } from 'node:cluster';
import { serveClusterMetrics } from '../../modules/metrics/cluster-metrics';
import type { Logger } from '../logger/logger';

export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  /** How long SIGTERM waits for every worker to finish its in-flight requests. */
  shutdownTimeoutMs?: number;
}

/**
 * The cluster primary (WEB_CONCURRENCY > 1): forks the workers, which share the listening port,
 * replaces a worker that dies while serving, and on SIGTERM/SIGINT asks every worker to shut
 * down gracefully, then exits 0 only if all of them did. The primary itself opens no database
 * or Redis connection.
 */
export function runClusterPrimary(opts: PrimaryOptions): void {
  const { logger } = opts;
  const shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 20_000;
  const listening = new WeakSet<Worker>();
  let stopping = false;
  let failedExit = false;

  const fork = () => {
    const worker = cluster.fork();
    worker.once('listening', () => listening.add(worker));
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0) failedExit = true;
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info({ failedExit }, 'all workers stopped');
        process.exit(failedExit ? 1 : 0);
      }
      return;
    }
    if (!listening.has(worker)) {
      // Died before serving: a configuration or database problem that a restart will not fix.
      logger.fatal({ pid: worker.process.pid, code, signal }, 'a worker failed to start; stopping');
      stopping = true;
      failedExit = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker died; starting a replacement');
    fork();
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'shutting down all workers');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    const force = setTimeout(() => {
      logger.error('workers did not stop in time; killing them');
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(1);
    }, shutdownTimeoutMs);
    force.unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  // /metrics on any worker reports the sum over all of them
  serveClusterMetrics();
  logger.info({ workers: opts.workers }, 'starting API workers (WEB_CONCURRENCY)');
  for (let i = 0; i < opts.workers; i++) fork();
}
