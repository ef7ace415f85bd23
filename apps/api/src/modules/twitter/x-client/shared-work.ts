/**
 * Single-flight with cancellation: concurrent callers of one key share one piece of work, each
 * caller can stop waiting with its own AbortSignal, and the work's own signal is aborted once no
 * caller waits any more. So a coalesced upstream call keeps running only while someone still
 * wants its answer (a disconnecting sole caller stops it; one of many does not).
 */
export class WorkAbandoned extends Error {
  constructor() {
    super('every caller stopped waiting');
    this.name = 'WorkAbandoned';
  }
}

interface Running<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
  settled: boolean;
}

export function createSharedWork<T>() {
  const running = new Map<string, Running<T>>();

  function start(key: string, work: (signal: AbortSignal) => Promise<T>): Running<T> {
    const controller = new AbortController();
    const entry: Running<T> = { promise: Promise.resolve() as Promise<T>, controller, waiters: 0, settled: false };
    entry.promise = work(controller.signal).finally(() => {
      entry.settled = true;
      if (running.get(key) === entry) running.delete(key);
    });
    // Waiters may all have left; the outcome of abandoned work is nobody's to handle.
    entry.promise.catch(() => undefined);
    running.set(key, entry);
    return entry;
  }

  return {
    /** Joins (or starts) the work for `key`; rejects with `signal.reason` if `signal` aborts first. */
    run(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      const entry = running.get(key) ?? start(key, work);
      entry.waiters += 1;
      return new Promise<T>((resolve, reject) => {
        let left = false;
        const leave = (): void => {
          if (left) return;
          left = true;
          signal?.removeEventListener('abort', onAbort);
          entry.waiters -= 1;
          if (entry.waiters === 0 && !entry.settled) {
            if (running.get(key) === entry) running.delete(key);
            entry.controller.abort(new WorkAbandoned());
          }
        };
        const onAbort = (): void => {
          leave();
          reject(signal?.reason as Error);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        entry.promise.then(
          (value) => {
            leave();
            resolve(value);
          },
          (err: unknown) => {
            leave();
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes the work's own rejection through unchanged
            reject(err);
          },
        );
      });
    },
    /** Keys with work in flight (for tests). */
    size: (): number => running.size,
  };
}
