/**
 * X has blocked Node's default TLS ClientHello fingerprint (cobalt issue #573: fetch got 404 where
 * curl worked). Reordering the first cipher suites changes the fingerprint without dropping any
 * suite. Node reads `tls.DEFAULT_CIPHERS` lazily on every new secure context, so reassigning it
 * affects later connections (undici included) and has no effect on plain-http ones.
 */
import tls from 'node:tls';

const SHUFFLED_PREFIX = 8;
const DEFAULT_INTERVAL_MS = 30 * 60 * 1000;

const originalCiphers = tls.DEFAULT_CIPHERS;

/** Returns `ciphers` with its first 8 colon-separated entries in a random order. */
export function shuffleCipherList(ciphers: string, random: () => number = Math.random): string {
  const entries = ciphers.split(':');
  const head = entries.slice(0, SHUFFLED_PREFIX);
  for (let i = head.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = head[i];
    head[i] = head[j];
    head[j] = tmp;
  }
  return [...head, ...entries.slice(SHUFFLED_PREFIX)].join(':');
}

export function randomizeDefaultCiphers(): void {
  tls.DEFAULT_CIPHERS = shuffleCipherList(originalCiphers);
}

let users = 0;
let timer: NodeJS.Timeout | undefined;

/**
 * Shuffles now and every `intervalMs` (30 min by default). Process-wide, so it is reference
 * counted: the timer stops (and the default list is restored) when the last user calls stop().
 */
export function startCipherShuffling(intervalMs: number = DEFAULT_INTERVAL_MS): { stop(): void } {
  users += 1;
  if (timer === undefined) {
    randomizeDefaultCiphers();
    timer = setInterval(randomizeDefaultCiphers, intervalMs);
    timer.unref();
  }
  let stopped = false;
  return {
    stop(): void {
      if (stopped) return;
      stopped = true;
      users -= 1;
      if (users === 0 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
        tls.DEFAULT_CIPHERS = originalCiphers;
      }
    },
  };
}
