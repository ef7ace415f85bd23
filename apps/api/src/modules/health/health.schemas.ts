import { z } from 'zod';

const checkSchema = z.object({
  name: z.enum(['postgres', 'redis']),
  ok: z.boolean(),
  ms: z.number().int(),
  error: z.string().optional(),
  mode: z.literal('in-memory').optional().describe('Redis not configured (embedded quick start)'),
});

export type HealthCheck = z.infer<typeof checkSchema>;

export const healthResponseSchema = z.object({ code: z.literal(0), message: z.literal('ok'), data: z.object({ status: z.literal('up') }) });

export const readyResponseSchema = z.object({
  code: z.literal(0),
  message: z.literal('ok'),
  data: z.object({ status: z.literal('ready'), checks: z.array(checkSchema) }),
});

export const notReadyResponseSchema = z.object({
  code: z.literal(-1),
  message: z.enum(['Not ready', 'Shutting down']),
  error: z.object({ type: z.literal('not_ready'), checks: z.array(checkSchema) }),
});
