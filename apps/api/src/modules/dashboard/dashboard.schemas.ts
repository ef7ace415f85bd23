import { z } from 'zod';
import { subscriptionViewSchema } from '../billing/billing.schemas';
import { KEY_NAME_MAX, keyViewSchema } from '../keys/keys.schemas';
import { usageDataSchema } from '../usage/usage.schemas';

const keyName = z.string().max(KEY_NAME_MAX, `must be at most ${KEY_NAME_MAX} characters`);

/** POST /keys: the body (and the name) are optional. */
export const createKeySchema = z.object({ name: keyName.optional() }).optional();
export const renameKeySchema = z.object({ name: keyName });
export const keyIdSchema = z.uuid();

export const meDataSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), premium: z.boolean(), complimentary: z.boolean().describe('premium granted by an operator') }),
  subscription: subscriptionViewSchema.nullable(),
  billing: z.object({ configured: z.boolean().describe('false: checkout and portal answer 503 billing_not_configured') }),
  csrf_token: z.string(),
});
export type MeData = z.infer<typeof meDataSchema>;

export const keysDataSchema = z.object({ keys: z.array(keyViewSchema).describe('newest first') });
export type KeysData = z.infer<typeof keysDataSchema>;

export const createdKeyDataSchema = z.object({
  key: z.string().describe('The full key: shown once, never again'),
  view: keyViewSchema,
});
export type CreatedKeyData = z.infer<typeof createdKeyDataSchema>;

export const rotatedKeyDataSchema = createdKeyDataSchema.extend({
  previous: keyViewSchema.describe('The old key, expiring at the end of the rotation grace period'),
});
export type RotatedKeyData = z.infer<typeof rotatedKeyDataSchema>;

export const keyViewDataSchema = z.object({ view: keyViewSchema });
export type KeyViewData = z.infer<typeof keyViewDataSchema>;
export const keyDeletedDataSchema = z.object({ deleted: z.literal(true) });
export type KeyDeletedData = z.infer<typeof keyDeletedDataSchema>;

/** As GET /api/v1/usage, minus the calling key (the dashboard has a session, not a key). */
export const dashboardUsageDataSchema = usageDataSchema.omit({ key: true });
export type DashboardUsageData = z.infer<typeof dashboardUsageDataSchema>;
