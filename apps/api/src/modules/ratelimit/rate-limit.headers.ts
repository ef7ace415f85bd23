import type { Response } from 'express';
import type { WindowState } from './rate-limit.service';

/** The window closest to exhaustion: fewest remaining, then the one that resets last. */
export function tightestWindow(windows: WindowState[]): WindowState | undefined {
  return [...windows].sort((a, b) => a.remaining - b.remaining || b.resetIn - a.resetIn)[0];
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
  res.setHeader(
    'RateLimit-Policy',
    windows.map((w) => `"${w.name}";q=${w.limit};w=${windowSeconds(w.name)}`).join(', '),
  );
  res.setHeader('RateLimit', windows.map((w) => `"${w.name}";r=${w.remaining};t=${w.resetIn}`).join(', '));
}

function windowSeconds(name: WindowState['name']): number {
  return name === 'minute' ? 60 : name === 'hour' ? 3600 : 86_400;
}
