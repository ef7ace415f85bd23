import { z } from 'zod';
import { successEnvelopeSchema } from '../twitter/twitter.schemas';

/**
 * The public contract of /download (both families) and of compatible-family errors. The docs
 * (GET /api/v1/twitter, OpenAPI) are generated from these and the tests validate real answers.
 */
export const downloadRequestSchema = z
  .object({ url: z.string().min(1).max(2048).describe('Link to a post on x.com / twitter.com (every form POST /api/v1/twitter accepts)') })
  .meta({ example: { url: 'https://x.com/sim_media/status/993002' } });

export const downloadVariantSchema = z.object({
  url: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bitrate: z.number().int().nullable().describe('bits per second; null for photos and GIFs'),
  content_type: z.string(),
});

export const downloadItemSchema = z.object({
  url: z.string().describe('The best rendition (highest bitrate; original size for photos), on X\'s host'),
  type: z.enum(['video', 'gif', 'photo']),
  thumbnail: z.string(),
  mime_type: z.string(),
  site: z.literal('x'),
  title: z.string().describe('The post text, trimmed; "@user" when it has none'),
  variants: z.array(downloadVariantSchema).describe('Every rendition, best first'),
  duration: z.number().nullable().describe('Seconds; null for photos and GIFs'),
  download_url: z.string().describe('Our signed link (GET, no key needed, expires after MEDIA_LINK_TTL_SECONDS) that streams the file as <user>-<statusId>-<n>.<ext>'),
});

/** POST /api/download (Facebo/Soundc shape). */
export const downloadCompatResponseSchema = z.object({ success: z.literal(true), items: z.array(downloadItemSchema) });
/** POST /api/v1/download. */
export const downloadV1ResponseSchema = successEnvelopeSchema(z.object({ items: z.array(downloadItemSchema) }));

/** Every error of the compatible family (/api/download, /api/convert/*). */
export const compatErrorSchema = z.object({
  error: z.string().describe('Human-readable message: "Missing URL", "Invalid API token", "Insufficient credits", …'),
  type: z.string().describe('Machine-readable error type (same as error.type in /api/v1)'),
  request_id: z.string(),
  retry_after: z.number().int().optional().describe('Seconds, also sent as Retry-After'),
});
