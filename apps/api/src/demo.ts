import type { KeyService } from './modules/keys/keys.service';
import type { UsersRepository } from './modules/users/users.repository';
import type { CreditGrants } from './modules/credits/credit-grants';

export const DEMO_EMAIL = 'demo@twdown.local';
const DEMO_KEY_NAME = 'quick-start demo';

/** Embedded quick start only: a premium demo account (with this month's credits) and a fresh key on every start. */
export async function issueDemoKey(deps: {
  users: UsersRepository;
  keys: KeyService;
  creditGrants: Pick<CreditGrants, 'complimentaryTurnedOn'>;
}): Promise<string> {
  const user = await deps.users.findOrCreate(DEMO_EMAIL);
  await deps.users.setComplimentaryPremium(user.id, true);
  await deps.creditGrants.complimentaryTurnedOn(user.id);
  const old = (await deps.keys.list(user.id)).filter((k) => k.name === DEMO_KEY_NAME && k.revoked_at === null);
  for (const k of old) await deps.keys.revoke(user.id, k.id);
  const { key } = await deps.keys.create(user.id, DEMO_KEY_NAME);
  return key;
}
