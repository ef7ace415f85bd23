import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../lib/errors/app-error';
import { systemClock } from '../../lib/time/clock';

/** The only hosts media is ever fetched from, whatever a user or a token says. */
export const ALLOWED_MEDIA_HOSTS: readonly string[] = ['video.twimg.com', 'pbs.twimg.com'];

/** An https URL on an allowed host, without user-info or port; undefined otherwise. */
export function allowedMediaUrl(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '') return undefined;
  return ALLOWED_MEDIA_HOSTS.includes(url.hostname) ? url : undefined;
}

/**
 * Where an allowed media URL is really fetched: X itself, or `${base}/HOST/PATH?QUERY` when a
 * base is configured (the simulator's `/media` prefix).
 */
export function upstreamUrlOf(url: URL, base: string | undefined): string {
  if (base === undefined) return url.toString();
  return `${base.replace(/\/+$/, '')}/${url.hostname}${url.pathname}${url.search}`;
}

export interface MediaLinkTarget {
  /** the exact X media URL */
  url: string;
  /** the attachment filename, e.g. "user-123-1.mp4" */
  filename: string;
}

interface Payload {
  u: string;
  f: string;
  /** expiry, unix seconds */
  e: number;
}

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

/** A printable secret for dev/test starts without MEDIA_LINK_SECRET (links die with the process). */
export function randomLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Signed, expiring download links: `<base64url(JSON {u, f, e})>.<base64url(HMAC-SHA256)>`. The
 * payload names the exact upstream URL and the filename, so a link cannot be bent to another file.
 */
export function createMediaLinks(deps: { secret: string; ttlSeconds: number; now?: () => number }) {
  const now = deps.now ?? (() => systemClock.now());
  const mac = (payload: string) => createHmac('sha256', deps.secret).update(payload).digest();

  return {
    ttlSeconds: deps.ttlSeconds,
    sign(target: MediaLinkTarget): string {
      if (!allowedMediaUrl(target.url)) throw new AppError('media_host_not_allowed');
      const payload: Payload = { u: target.url, f: target.filename, e: Math.floor(now() / 1000) + deps.ttlSeconds };
      const body = b64(JSON.stringify(payload));
      return `${body}.${b64(mac(body))}`;
    },
    /** Throws media_link_invalid (403), media_link_expired (410) or media_host_not_allowed. */
    verify(token: string): MediaLinkTarget {
      const [body, sig, extra] = token.split('.');
      if (!body || !sig || extra !== undefined) throw new AppError('media_link_invalid');
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(body);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('media_link_invalid');
      const payload = parsePayload(body);
      if (!payload) throw new AppError('media_link_invalid');
      if (payload.e * 1000 <= now()) throw new AppError('media_link_expired');
      // Checked again on follow: a link signed before the allowlist changed must not fetch elsewhere.
      if (!allowedMediaUrl(payload.u)) throw new AppError('media_host_not_allowed');
      return { url: payload.u, filename: payload.f };
    },
  };
}

function parsePayload(body: string): Payload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { u, f, e } = value as Record<string, unknown>;
    return typeof u === 'string' && typeof f === 'string' && typeof e === 'number' ? { u, f, e } : undefined;
  } catch {
    return undefined;
  }
}

export type MediaLinks = ReturnType<typeof createMediaLinks>;
