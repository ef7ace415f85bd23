/**
 * /metrics with WEB_CONCURRENCY > 1. The workers share the port, so a scrape reaches one of them
 * at random; each would report only its own share. Instead the worker that got the scrape asks
 * the primary, which collects every worker's registries (prom-client's AggregatorRegistry, over
 * the cluster IPC channel) and answers the sum: counters and histograms add up, gauges of
 * process memory add up, prom-client's own per-metric rules (e.g. event-loop lag is averaged)
 * apply.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'twdown:metrics:request';
const ANSWER = 'twdown:metrics:answer';
/** prom-client gives up on a silent worker after 5 s; the asking worker waits a little longer. */
const ANSWER_TIMEOUT_MS = 6_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}
interface MetricsAnswer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}
const isRequest = (m: unknown): m is MetricsRequest => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === REQUEST;
const isAnswer = (m: unknown): m is MetricsAnswer => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === ANSWER;

/** In the primary: answer a worker's request with all workers' metrics aggregated. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isRequest(message)) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: message.id, text } satisfies MetricsAnswer),
      (err: unknown) => worker.send({ type: ANSWER, id: message.id, error: err instanceof Error ? err.message : String(err) } satisfies MetricsAnswer),
    );
  });
}

/**
 * In a worker: `registries` are what this worker contributes when the primary collects, and the
 * returned scrape asks the primary for the whole.
 */
export function clusterScrape(registries: Registry[]): () => Promise<string> {
  AggregatorRegistry.setRegistries(registries);
  // Constructing one is how prom-client starts answering the primary's collection requests.
  new AggregatorRegistry();
  let nextId = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  process.on('message', (message: unknown) => {
    if (!isAnswer(message)) return;
    const w = waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id);
    if (message.text !== undefined) w.resolve(message.text);
    else w.reject(new Error(`metrics aggregation failed: ${message.error ?? 'no answer'}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('metrics aggregation: the primary did not answer in time'));
      }, ANSWER_TIMEOUT_MS);
      waiting.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      process.send?.({ type: REQUEST, id } satisfies MetricsRequest);
    });
}
