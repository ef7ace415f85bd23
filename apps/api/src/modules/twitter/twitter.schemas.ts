import { z } from 'zod';

/**
 * The public contract of POST /api/v1/twitter. These schemas generate GET /twitter and
 * /openapi.json, and the tests validate every response against them, so the documentation
 * cannot drift from what the code sends. The request's `url` is checked by parseTweetUrl
 * (parse/tweet-url.ts), which enforces the same bounds and maps each failure to its own message.
 */
export const twitterRequestSchema = z
  .object({
    url: z
      .string()
      .min(1)
      .max(2048)
      .describe('Link to a post on x.com / twitter.com (mirrors, /video/N and query strings accepted)'),
  })
  .meta({ example: { url: 'https://x.com/sim_video/status/992010' } });

export type TwitterRequest = z.infer<typeof twitterRequestSchema>;

export const videoVariantSchema = z.object({
  resolution: z.string().describe('Short side + "p", e.g. "720p"'),
  quality: z.enum(['HD', 'SD']).describe('HD when the short side is at least 720 pixels'),
  url: z.string().describe('Direct MP4 link (video.twimg.com)'),
  width: z.number().int(),
  height: z.number().int(),
  bitrate: z.number().int().describe('bits per second (0 for GIFs)'),
  content_type: z.string(),
  size_estimate_bytes: z.number().int().nullable().describe('bitrate × duration / 8, when both are known'),
});

const hlsSchema = z.object({ url: z.string(), content_type: z.string() });

const mediaOriginSchema = z
  .enum(['post', 'retweet', 'quote', 'card'])
  .describe('post: the post itself; retweet: the reposted original; quote: the quoted post; card: a video card');

export const mediaItemSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['video', 'gif']),
    id: z.string(),
    origin: mediaOriginSchema,
    thumbnail: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    duration_ms: z.number().int().nullable(),
    variants: z.array(videoVariantSchema),
    hls: z.array(hlsSchema),
  }),
  z.object({
    type: z.literal('photo'),
    id: z.string(),
    origin: mediaOriginSchema,
    url: z.string().describe('Original size'),
    thumbnail: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    alt_text: z.string().nullable(),
  }),
]);

export const twitterDataSchema = z.object({
  thumbnail: z.string(),
  videos: z
    .array(videoVariantSchema)
    .describe('MP4 variants of the selected video, best first; empty only when X offers that video as HLS alone (poll video cards): use `hls`'),
  text: z.string(),
  expanded_text: z.string().describe('`text` with each t.co link replaced by the URL it points to'),
  username: z.string(),
  statusId: z.string(),
  processed_at: z.string().describe('ISO 8601'),
  hls: z.array(hlsSchema).describe('HLS playlists of the selected video (separate audio renditions)'),
  media: z.array(mediaItemSchema).describe('Every media item of the post, in order (quoted post last)'),
  media_index: z
    .number()
    .int()
    .min(1)
    .describe('Position (1-based) in `media` of the video `videos` belongs to: X numbering, as in /video/N links (every media item counts)'),
  source: z.enum(['graphql', 'syndication']),
});

export const successEnvelopeSchema = <T extends z.ZodType>(data: T) =>
  z.object({ code: z.literal(0), message: z.literal('ok'), data });

export const errorEnvelopeSchema = z.object({
  code: z.literal(-1),
  message: z.string(),
  error: z
    .object({
      type: z.string().describe('Machine-readable error type'),
      request_id: z.string(),
      retry_after: z.number().int().optional().describe('Seconds, also sent as Retry-After'),
      broadcast_id: z.string().optional().describe('live_broadcast: the broadcast (x.com/i/broadcasts/<id>)'),
      space_id: z.string().optional().describe('audio_space: the Space (x.com/i/spaces/<id>)'),
      url: z.string().optional().describe('live_broadcast / audio_space: where to watch or listen on X'),
      state: z.string().optional().describe('live_broadcast: broadcast_state as X reports it (e.g. RUNNING, ENDED)'),
    })
    .loose(),
});

export const twitterResponseSchema = successEnvelopeSchema(twitterDataSchema);

export type TwitterData = z.infer<typeof twitterDataSchema>;

/** The most URLs one POST /twitter/batch accepts (issue 12). */
export const BATCH_MAX_URLS = 20;

/**
 * POST /api/v1/twitter/batch. Items are any JSON value: each is checked like the `url` of a
 * single call, so a bad item gets its own error instead of refusing the whole batch.
 */
export const batchRequestSchema = z
  .object({
    urls: z
      .array(z.unknown().describe('A post URL, as for POST /twitter'))
      .min(1)
      .max(BATCH_MAX_URLS)
      .describe(`1 to ${BATCH_MAX_URLS} post URLs; each counts as one request against the rate limits`),
  })
  .meta({
    example: {
      urls: ['https://x.com/sim_video/status/992010', 'https://twitter.com/sim_mixed/status/992011/video/2'],
    },
  });

export const batchItemSchema = z.object({
  url: z.unknown().describe('The item as sent'),
  status: z.number().int().describe('The HTTP status a single POST /twitter would have answered'),
  body: z.union([twitterResponseSchema, errorEnvelopeSchema]).describe('The body a single POST /twitter would have answered'),
});

export type BatchItem = z.infer<typeof batchItemSchema>;

export const batchResponseSchema = successEnvelopeSchema(
  z.object({ results: z.array(batchItemSchema).describe('One result per URL, in the order sent') }),
);
