/** `broadcast`: api.x.com's 1.1 broadcast and live-stream status calls (broadcast replays). */
export type RouteKind = 'activate' | 'graphql' | 'syndication' | 'media' | 'broadcast';
/** `all` means every simulated route (the X endpoints and the media host), never `/__sim`. */
export type FaultTarget = RouteKind | 'all';
export type CountedFaultKind = 'hang' | 'serverError' | 'rateLimit' | 'forbidden' | 'html' | 'truncated';

export interface CountedFault {
  count: number;
  target?: FaultTarget;
  /** HTTP status for `serverError` (default 503) and `html` (default 200). */
  status?: number;
}

/** The JSON accepted by `POST /__sim/faults` and `faults.set()`; counted faults add to what is queued. */
export interface FaultSettings {
  latencyMs?: number;
  latencyTarget?: FaultTarget;
  hang?: CountedFault;
  serverError?: CountedFault;
  rateLimit?: CountedFault;
  forbidden?: CountedFault;
  /** Guest tokens that get 403 on every GraphQL call until reset (X retiring a token). */
  forbiddenTokens?: string[];
  html?: CountedFault;
  truncated?: CountedFault;
}

export interface FaultDecision {
  kind: CountedFaultKind;
  status?: number;
}

interface QueuedFault {
  kind: CountedFaultKind;
  remaining: number;
  target: FaultTarget;
  status?: number;
}

export interface FaultSnapshot {
  latencyMs: number;
  latencyTarget: FaultTarget;
  queued: Array<{ kind: CountedFaultKind; remaining: number; target: FaultTarget; status?: number }>;
  forbiddenTokens: string[];
}

/** A hang wins over a 5xx, which wins over a 429, and so on: the most disruptive fault fires first. */
const PRIORITY: readonly CountedFaultKind[] = ['hang', 'serverError', 'rateLimit', 'forbidden', 'html', 'truncated'];
export const FAULT_TARGETS: readonly FaultTarget[] = ['activate', 'graphql', 'syndication', 'media', 'broadcast', 'all'];

function matches(target: FaultTarget, kind: RouteKind): boolean {
  return target === 'all' || target === kind;
}

export function createFaults() {
  let latencyMs = 0;
  let latencyTarget: FaultTarget = 'all';
  let queue: QueuedFault[] = [];
  const forbiddenTokens = new Set<string>();

  function enqueue(kind: CountedFaultKind, fault: CountedFault): void {
    if (fault.count <= 0) return;
    queue.push({ kind, remaining: fault.count, target: fault.target ?? 'all', status: fault.status });
  }

  const api = {
    set(settings: FaultSettings): void {
      if (settings.latencyMs !== undefined) latencyMs = settings.latencyMs;
      if (settings.latencyTarget !== undefined) latencyTarget = settings.latencyTarget;
      for (const kind of PRIORITY) {
        const fault = settings[kind];
        if (fault) enqueue(kind, fault);
      }
      for (const token of settings.forbiddenTokens ?? []) forbiddenTokens.add(token);
    },
    latency(ms: number, target: FaultTarget = 'all'): void {
      api.set({ latencyMs: ms, latencyTarget: target });
    },
    hang(count: number, target: FaultTarget = 'all'): void {
      enqueue('hang', { count, target });
    },
    serverError(count: number, target: FaultTarget = 'all', status = 503): void {
      enqueue('serverError', { count, target, status });
    },
    rateLimit(count: number, target: FaultTarget = 'all'): void {
      enqueue('rateLimit', { count, target });
    },
    forbidden(count: number, target: FaultTarget = 'all'): void {
      enqueue('forbidden', { count, target });
    },
    forbidToken(token: string): void {
      forbiddenTokens.add(token);
    },
    html(count: number, target: FaultTarget = 'all', status = 200): void {
      enqueue('html', { count, target, status });
    },
    truncate(count: number, target: FaultTarget = 'all'): void {
      enqueue('truncated', { count, target });
    },
    clear(): void {
      latencyMs = 0;
      latencyTarget = 'all';
      queue = [];
      forbiddenTokens.clear();
    },
    latencyFor(kind: RouteKind): number {
      return matches(latencyTarget, kind) ? latencyMs : 0;
    },
    isTokenForbidden(token: string): boolean {
      return forbiddenTokens.has(token);
    },
    /** Consumes and returns the fault the next request of this kind must suffer, if any. */
    take(kind: RouteKind): FaultDecision | undefined {
      for (const faultKind of PRIORITY) {
        // The media host streams files: an HTML page makes no sense there, but a transfer cut
        // half-way does (media.routes.ts applies it to the file).
        if (kind === 'media' && faultKind === 'html') continue;
        const queued = queue.find((q) => q.kind === faultKind && q.remaining > 0 && matches(q.target, kind));
        if (!queued) continue;
        queued.remaining -= 1;
        queue = queue.filter((q) => q.remaining > 0);
        return { kind: faultKind, status: queued.status };
      }
      return undefined;
    },
    snapshot(): FaultSnapshot {
      return {
        latencyMs,
        latencyTarget,
        queued: queue.map((q) => ({ ...q })),
        forbiddenTokens: [...forbiddenTokens],
      };
    },
  };
  return api;
}

export type Faults = ReturnType<typeof createFaults>;
