import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { CONTENT_TYPES, CONVERT_FORMATS, convertRequestSchema } from '../convert/convert.schemas';
import { downloadCompatResponseSchema, downloadRequestSchema, downloadV1ResponseSchema } from '../media/media.schemas';
import { CONVERT_ERROR_CODES, DOWNLOAD_ERROR_CODES, MEDIA_LINK_ERROR_CODES } from './media-docs';
import { errors, json } from './openapi.kit';

const DownloadRequest = downloadRequestSchema.meta({ id: 'DownloadRequest' });
const DownloadResponse = downloadV1ResponseSchema.meta({ id: 'DownloadResponse' });
const DownloadCompatResponse = downloadCompatResponseSchema.meta({ id: 'DownloadCompatResponse' });
const ConvertRequest = convertRequestSchema.meta({ id: 'ConvertRequest' });

const binary = z.string().meta({ format: 'binary' });
// X's own Content-Type is passed through: a video, a GIF (as MP4) or a photo
const mediaFile = { 'video/*': { schema: binary }, 'image/*': { schema: binary }, 'application/octet-stream': { schema: binary } };
const convertParams = z.object({ format: z.enum(CONVERT_FORMATS).describe('The output format') });
const convertHeaders = z.object({
  'Idempotency-Key': z.string().max(255).optional().describe('A retry with the same key within 24 h is not charged again'),
});
const convertOutput = {
  description: 'The converted file, streamed (Content-Disposition: attachment)',
  headers: z.object({
    'X-Credits-Charged': z.number().int().describe('What this call cost (0 for an idempotent replay)'),
    'Idempotent-Replayed': z.literal('true').optional().describe('Present when an Idempotency-Key replay was not charged again'),
    'X-Subtitles': z.string().optional().describe('When subtitles were asked: "unavailable" (X exposes no captions to guests)'),
  }),
  content: Object.fromEntries([...new Set(Object.values(CONTENT_TYPES))].map((type) => [type, { schema: binary }])),
};

/**
 * /download, /convert/{format} and /media/{token} on /api/v1, and the Facebo/Soundc-compatible
 * /api/download and /api/convert/{format} (path-level server; raw key; `{"error": …}` errors).
 */
export function registerMediaPaths(registry: OpenAPIRegistry, opts: { serverUrl: string; apiKey: string; rawKey: string }): void {
  const root = [{ url: opts.serverUrl, description: 'Facebo/Soundc-compatible family (raw key or Bearer; errors {"error": …})' }];
  registry.registerPath({
    method: 'post',
    path: '/download',
    summary: 'List every media item of a post, with our download links',
    description: "One item per media item of the post, in post order (a quoted post's media only when the post has none of its own). Costs no credits.",
    security: [{ [opts.apiKey]: [] }],
    request: { body: { required: true, content: json(DownloadRequest) } },
    responses: { 200: { description: 'Media items in post order', content: json(DownloadResponse) }, ...errors(DOWNLOAD_ERROR_CODES) },
  });
  registry.registerPath({
    method: 'post',
    path: '/convert/{format}',
    summary: 'Convert the video of a post (or a video.twimg.com MP4) and stream the file back',
    description:
      'Costs CONVERT_CREDIT_COST credits per started minute of output, reserved before any work and refunded when the conversion fails. An error before the first byte is JSON; after it the connection is aborted (never a silently short file).',
    security: [{ [opts.apiKey]: [] }],
    request: { params: convertParams, headers: convertHeaders, body: { required: true, content: json(ConvertRequest) } },
    responses: { 200: convertOutput, ...errors(CONVERT_ERROR_CODES) },
  });
  registry.registerPath({
    method: 'get',
    path: '/media/{token}',
    summary: 'Follow a download link from /download (no key needed)',
    description: "Streams X's file through us; Content-Length and Range are passed through. Only video.twimg.com and pbs.twimg.com are ever fetched.",
    request: {
      params: z.object({ token: z.string().describe('The signed, expiring token of a download_url') }),
      headers: z.object({ Range: z.string().optional() }),
    },
    responses: {
      200: { description: 'The file, as an attachment named <user>-<statusId>-<n>.<ext>', content: mediaFile },
      206: { description: 'The requested range', content: mediaFile },
      416: { description: 'Range not satisfiable' },
      ...errors(MEDIA_LINK_ERROR_CODES),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/download',
    servers: root,
    summary: 'List every media item of a post (Facebo/Soundc shape)',
    security: [{ [opts.rawKey]: [] }],
    request: { body: { required: true, content: json(DownloadRequest) } },
    responses: { 200: { description: 'Media items in post order', content: json(DownloadCompatResponse) }, ...errors(DOWNLOAD_ERROR_CODES, { compat: true }) },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/convert/{format}',
    servers: root,
    summary: 'Convert and stream the file back (Facebo/Soundc shape)',
    security: [{ [opts.rawKey]: [] }],
    request: { params: convertParams, headers: convertHeaders, body: { required: true, content: json(ConvertRequest) } },
    responses: { 200: convertOutput, ...errors(CONVERT_ERROR_CODES, { compat: true }) },
  });
}
