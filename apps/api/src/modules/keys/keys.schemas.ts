import { z } from 'zod';

export const KEY_NAME_MAX = 64;

export const keyStatusSchema = z.enum(['active', 'expiring', 'expired', 'revoked']);
export type KeyStatus = z.infer<typeof keyStatusSchema>;

/** An API key as the dashboard shows it: never the secret, only its display prefix. */
export const keyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  status: keyStatusSchema.describe('expiring: replaced by a rotation, works until expires_at'),
  created_at: z.string().describe('ISO 8601'),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  expires_at: z.string().nullable(),
});
export type KeyView = z.infer<typeof keyViewSchema>;
