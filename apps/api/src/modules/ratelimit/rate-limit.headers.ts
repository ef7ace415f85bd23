import type { Response } from 'express';
import type { WindowState } from './rate-limit.service';

/** The window closest to exhaustion: fewest remaining, then the one that resets last. */
export function tightestWindow(windows: WindowState[]): WindowState | undefined {
  let tight: WindowState | undefined;
  for (const w of windows) {
    if (!tight || w.remaining < tight.remaining || (w.remaining === tight.remaining && w.resetIn > tight.resetIn)) tight = w;
  }
  return tight;
}

/**
 * X-RateLimit-* for the tightest window (TwitterDown/GitHub style, Reset = unix seconds), plus
 * the IETF RateLimit-Policy / RateLimit structured fields describing all three windows
 * (draft-ietf-httpapi-ratelimit-headers).
 */
export function setRateLimitHeaders(res: Response, windows: WindowState[]): void {
  const tight = tightestWindow(windows);
  if (!tight) return;
  res.setHeader('X-RateLimit-Limit', String(tight.limit));
  res.setHeader('X-RateLimit-Remaining', String(tight.remaining));
  res.setHeader('X-RateLimit-Reset', String(tight.resetAt));
  res.setHeader('RateLimit-Policy', policyOf(windows));
  res.setHeader('RateLimit', windows.map((w) => `"${w.name}";r=${w.remaining};t=${w.resetIn}`).join(', '));
}

// the policy only changes with the configuration: built once per set of limits, not per request
let policyCache = { key: '', value: '' };
function policyOf(windows: WindowState[]): string {
  let key = '';
  for (const w of windows) key += `${w.name}${w.limit},`;
  if (policyCache.key !== key) {
    policyCache = { key, value: windows.map((w) => `"${w.name}";q=${w.limit};w=${windowSeconds(w.name)}`).join(', ') };
  }
  return policyCache.value;
}

function windowSeconds(name: WindowState['name']): number {
  return name === 'minute' ? 60 : name === 'hour' ? 3600 : 86_400;
}
