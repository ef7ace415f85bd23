import type { Request } from 'express';
import { WEB_BEARER_TOKEN } from './constants';

export function hasWebBearer(req: Request): boolean {
  return req.get('authorization') === `Bearer ${WEB_BEARER_TOKEN}`;
}

export function guestTokenOf(req: Request): string | undefined {
  const token = req.get('x-guest-token')?.trim();
  return token ? token : undefined;
}
