import { z } from 'zod';
import { KEY_NAME_MAX } from '../keys/keys.service';
import type { KeyView } from '../keys/keys.service';
import type { SubscriptionView } from '../billing/billing.service';
import type { UsageData } from '../usage/usage.schemas';

const keyName = z.string().max(KEY_NAME_MAX, `must be at most ${KEY_NAME_MAX} characters`);

/** POST /keys: the body (and the name) are optional. */
export const createKeySchema = z.object({ name: keyName.optional() }).optional();
export const renameKeySchema = z.object({ name: keyName });
export const keyIdSchema = z.uuid();

export interface MeData {
  user: { id: string; email: string; premium: boolean; complimentary: boolean };
  subscription: SubscriptionView | null;
  billing: { configured: boolean };
  csrf_token: string;
}
export interface KeysData {
  keys: KeyView[];
}
export interface CreatedKeyData {
  /** the full key: shown once, never again */
  key: string;
  view: KeyView;
}
export interface RotatedKeyData extends CreatedKeyData {
  previous: KeyView;
}
export type DashboardUsageData = Omit<UsageData, 'key'>;
