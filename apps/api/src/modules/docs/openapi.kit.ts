import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { STATUS_BY_CODE, type ErrorCode } from '../../lib/errors/app-error';
import { compatErrorSchema } from '../media/media.schemas';
import { errorEnvelopeSchema, successEnvelopeSchema } from '../twitter/twitter.schemas';
import { errorTable } from './docs.errors';
import { COMPAT_MESSAGES } from './media-docs';

/**
 * What every part of the OpenAPI document shares. Named components use zod's own
 * `.meta({ id })` (read by zod-to-openapi), applied once at load (zod's global registry refuses
 * an id twice) to copies, so the schemas the routes use stay untouched.
 */
export const ErrorSchema = errorEnvelopeSchema.meta({ id: 'Error' });
export const CompatErrorSchema = compatErrorSchema.meta({ id: 'CompatError' });

export const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
/** `{code: 0, message: "ok", data}` around a data schema. */
export const ok = (data: z.ZodType) => json(successEnvelopeSchema(data));

const intHeader = (description: string) => z.number().int().describe(description);
export const RATE_HEADERS = z.object({
  'X-RateLimit-Limit': intHeader('Limit of the window closest to exhaustion'),
  'X-RateLimit-Remaining': intHeader('Requests left in that window'),
  'X-RateLimit-Reset': intHeader('Unix time (seconds) when that window resets'),
  'RateLimit-Policy': z.string().describe('IETF structured field: every window (q = quota, w = seconds)'),
  RateLimit: z.string().describe('IETF structured field: remaining (r) and reset (t, seconds) per window'),
  'X-Request-Id': z.string().describe('Request id (echoed when sent)'),
});

/**
 * One response per status among `codes`, describing each error type it can carry, in the v1
 * envelope or (compat) the Facebo/Soundc-compatible `{"error": …}` with their documented messages.
 */
export function errors(codes: ErrorCode[], opts: { headers?: z.ZodObject; compat?: boolean } = {}): Record<string, ResponseConfig> {
  const message = (status: number, fallback: string) =>
    opts.compat && status in COMPAT_MESSAGES ? COMPAT_MESSAGES[status as keyof typeof COMPAT_MESSAGES] : fallback;
  return Object.fromEntries(
    [...new Set(codes.map((c) => STATUS_BY_CODE[c]))].map((status) => [
      String(status),
      {
        description: errorTable(codes)
          .filter((e) => e.status === status)
          .map((e) => `${e.type}: ${message(status, e.message)}`)
          .join('; '),
        ...(opts.headers ? { headers: opts.headers } : {}),
        content: json(opts.compat ? CompatErrorSchema : ErrorSchema),
      },
    ]),
  );
}

/** Every way a JSON body can be refused before the route's own checks (lib/http/json-body.ts). */
export const BODY_ERRORS: ErrorCode[] = ['unsupported_media_type', 'invalid_json', 'payload_too_large', 'bad_request'];
