import { z } from 'zod';
import { STATUS_BY_CODE } from '../../lib/errors/app-error';
import {
  batchRequestSchema,
  batchResponseSchema,
  errorEnvelopeSchema,
  twitterRequestSchema,
  twitterResponseSchema,
} from '../twitter/twitter.schemas';
import { usageResponseSchema } from '../usage/usage.schemas';
import { codeSamples } from './code-samples';
import { TWITTER_ERROR_CODES, errorTable } from './docs.errors';

const EXAMPLE_POST = 'https://x.com/sim_video/status/992010';

const RATE_HEADERS = {
  'X-RateLimit-Limit': { description: 'Limit of the window closest to exhaustion', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left in that window', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'Unix time (seconds) when that window resets', schema: { type: 'integer' } },
  'RateLimit-Policy': { description: 'IETF structured field: every window (q = quota, w = seconds)', schema: { type: 'string' } },
  RateLimit: { description: 'IETF structured field: remaining (r) and reset (t, seconds) per window', schema: { type: 'string' } },
  'X-Request-Id': { description: 'Request id (echoed when sent)', schema: { type: 'string' } },
};

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });

/** OpenAPI 3.1 document, generated from the same zod schemas the code validates with. */
export function buildOpenApi(serverUrl: string) {
  const errorResponses = Object.fromEntries(
    [...new Set(TWITTER_ERROR_CODES.map((c) => STATUS_BY_CODE[c]))].map((status) => [
      String(status),
      {
        description: errorTable(TWITTER_ERROR_CODES)
          .filter((e) => e.status === status)
          .map((e) => `${e.type}: ${e.message}`)
          .join('; '),
        headers: RATE_HEADERS,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'twdown API',
      version: '1.0.0',
      description: 'Turns an X/Twitter post URL into downloadable media. Compatible with the TwitterDown v1 API.',
    },
    servers: [{ url: `${serverUrl}/api/v1` }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'sk-…' } },
      schemas: {
        TwitterRequest: jsonSchema(twitterRequestSchema),
        TwitterResponse: jsonSchema(twitterResponseSchema),
        BatchRequest: jsonSchema(batchRequestSchema),
        BatchResponse: jsonSchema(batchResponseSchema),
        UsageResponse: jsonSchema(usageResponseSchema),
        Error: jsonSchema(errorEnvelopeSchema),
      },
    },
    paths: {
      '/twitter': {
        get: {
          summary: 'This API documentation as JSON',
          responses: { '200': { description: 'Documentation', content: { 'application/json': {} } } },
        },
        post: {
          summary: 'Extract the video of a post',
          security: [{ apiKey: [] }],
          'x-codeSamples': codeSamples({
            method: 'POST',
            url: `${serverUrl}/api/v1/twitter`,
            body: { url: EXAMPLE_POST },
            show: { js: 'body.data.videos[0].url', py: 'body["data"]["videos"][0]["url"]', php: '$body["data"]["videos"][0]["url"]' },
          }),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/TwitterRequest' } } },
          },
          responses: {
            '200': {
              description: 'Media of the post',
              headers: RATE_HEADERS,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/TwitterResponse' } } },
            },
            ...errorResponses,
          },
        },
      },
      '/twitter/batch': {
        post: {
          summary: 'Extract the videos of 1 to 20 posts in one call',
          description:
            'Each URL counts as one request against the rate limits, admitted in order; once a window is spent the remaining items are answered rate_limited (429 inside the item) and are not counted. Each item carries the status and body a single POST /twitter would have answered.',
          security: [{ apiKey: [] }],
          'x-codeSamples': codeSamples({
            method: 'POST',
            url: `${serverUrl}/api/v1/twitter/batch`,
            body: { urls: [EXAMPLE_POST, 'https://x.com/sim_mixed/status/992011/video/2'] },
            show: {
              js: 'body.data.results.map((r) => r.status)',
              py: '[r["status"] for r in body["data"]["results"]]',
              php: 'array_column($body["data"]["results"], "status")',
            },
          }),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchRequest' } } },
          },
          responses: {
            '200': {
              description: 'One result per URL, in order',
              headers: RATE_HEADERS,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchResponse' } } },
            },
            ...Object.fromEntries(Object.entries(errorResponses).filter(([status]) => ['400', '401', '403', '500'].includes(status))),
          },
        },
      },
      '/usage': {
        get: {
          summary: 'Usage of your account, current rate-limit standing and credit balance with recent ledger entries',
          security: [{ apiKey: [] }],
          'x-codeSamples': codeSamples({
            method: 'GET',
            url: `${serverUrl}/api/v1/usage`,
            show: { js: 'body.data', py: 'body["data"]', php: '$body["data"]' },
          }),
          responses: {
            '200': {
              description: 'Usage',
              headers: RATE_HEADERS,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/UsageResponse' } } },
            },
            '401': { description: 'Missing or invalid API key', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          },
        },
      },
      '/openapi.json': { get: { summary: 'This OpenAPI document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
  };
}
