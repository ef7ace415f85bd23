import { randomInt } from 'node:crypto';

export interface GuestTokenOptions {
  /** GraphQL calls allowed per token per window. */
  budget: number;
  windowSeconds: number;
  /** Tokens older than this are refused like retired ones (X's `gt` cookie lives 3 h). */
  ttlSeconds: number;
  now: () => number;
}

export interface RateWindow {
  limit: number;
  remaining: number;
  /** Unix seconds at which the window refills. */
  reset: number;
}

interface TokenState {
  issuedAt: number;
  windowStart: number;
  used: number;
}

const TWITTER_EPOCH_MS = 1288834974657n;

export function createGuestTokens(options: GuestTokenOptions) {
  const tokens = new Map<string, TokenState>();
  const windowMs = options.windowSeconds * 1000;

  function newToken(): string {
    // Real guest tokens are snowflakes (19 digits today); wall-clock time keeps them that long
    // even when tests drive the budget clock from zero.
    for (;;) {
      const millis = BigInt(Date.now()) - TWITTER_EPOCH_MS;
      const token = ((millis << 22n) | BigInt(randomInt(0, 2 ** 22))).toString();
      if (!tokens.has(token)) return token;
    }
  }

  function live(token: string): TokenState | undefined {
    const state = tokens.get(token);
    if (!state) return undefined;
    if (options.now() - state.issuedAt >= options.ttlSeconds * 1000) {
      tokens.delete(token);
      return undefined;
    }
    if (options.now() - state.windowStart >= windowMs) {
      state.windowStart = options.now();
      state.used = 0;
    }
    return state;
  }

  function windowOf(state: TokenState): RateWindow {
    return {
      limit: options.budget,
      remaining: Math.max(0, options.budget - state.used),
      reset: Math.ceil((state.windowStart + windowMs) / 1000),
    };
  }

  return {
    issue(): string {
      const token = newToken();
      tokens.set(token, { issuedAt: options.now(), windowStart: options.now(), used: 0 });
      return token;
    },
    isValid(token: string): boolean {
      return live(token) !== undefined;
    },
    peek(token: string): RateWindow | undefined {
      const state = live(token);
      return state && windowOf(state);
    },
    /** Spends one call; `allowed` is false (and nothing is spent) once the window is exhausted. */
    consume(token: string): { allowed: boolean; window: RateWindow } | undefined {
      const state = live(token);
      if (!state) return undefined;
      const allowed = state.used < options.budget;
      if (allowed) state.used += 1;
      return { allowed, window: windowOf(state) };
    },
    retire(token: string): boolean {
      return tokens.delete(token);
    },
    validCount(): number {
      return [...tokens.keys()].filter((token) => live(token) !== undefined).length;
    },
    clear(): void {
      tokens.clear();
    },
  };
}

export type GuestTokens = ReturnType<typeof createGuestTokens>;
