import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { KeyService } from '../modules/keys/keys.service';
import type { UsersRepository } from '../modules/users/users.repository';
import type { AuthCache } from '../modules/keys/auth-cache';
import type { CreditGrants } from '../modules/credits/credit-grants';
import { CREDITS_USAGE, runCreditsCommand, type CreditsCliDeps } from './credits.commands';

export const USAGE = `Usage: npm run --silent cli -- <command> [options]

Commands:
  keys:create --email E [--premium] [--name N]   create a key (and the account if needed); prints the key alone on the last line
  keys:list --email E                           list an account's keys (never the secret)
  keys:revoke --id ID                           revoke a key at once
  users:premium --email E --on|--off            grant or withdraw complimentary premium
${CREDITS_USAGE}`;

export class CliError extends Error {}

export interface CliDeps {
  users: UsersRepository;
  keys: KeyService;
  authCache: Pick<AuthCache, 'userChanged'>;
  out: (line: string) => void;
  credits: CreditsCliDeps['credits'];
  /** Complimentary premium comes with this month's credits. */
  creditGrants: Pick<CreditGrants, 'complimentaryTurnedOn'>;
}

const email = z.string().trim().toLowerCase().pipe(z.email({ message: '--email must be a valid email address' }));
const uuid = z.uuid({ message: '--id must be a key id (UUID) as printed by keys:list' });

function need<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  if (value === undefined || value === '') throw new CliError(`${flag} is required`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliError(parsed.error.issues[0]?.message ?? `${flag} is invalid`);
  return parsed.data;
}

/** Parses argv and runs one command. Throws CliError for anything the operator typed wrong. */
export async function runCli(argv: string[], deps: CliDeps): Promise<void> {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        id: { type: 'string' },
        premium: { type: 'boolean' },
        on: { type: 'boolean' },
        off: { type: 'boolean' },
        amount: { type: 'string' },
        reason: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }

  switch (command) {
    case 'keys:create': {
      const user = await deps.users.findOrCreate(need(email, values.email, '--email'));
      if (values.premium) {
        await deps.users.setComplimentaryPremium(user.id, true);
        deps.authCache.userChanged(user.id);
        await deps.creditGrants.complimentaryTurnedOn(user.id);
      }
      const name = typeof values.name === 'string' ? values.name : '';
      const { key, view } = await deps.keys.create(user.id, name);
      deps.out(`created key ${view.id} (${view.prefix}…) for ${user.email}${values.premium ? ' [premium granted]' : ''}`);
      deps.out(key);
      return;
    }
    case 'keys:list': {
      const user = await deps.users.findByEmail(need(email, values.email, '--email'));
      if (!user) throw new CliError('no account with that email');
      const list = await deps.keys.list(user.id);
      if (list.length === 0) deps.out('(no keys)');
      for (const k of list) {
        deps.out([k.id, `${k.prefix}…`, k.status, k.name || '-', k.created_at, k.last_used_at ?? 'never'].join('\t'));
      }
      return;
    }
    case 'keys:revoke': {
      const view = await deps.keys.revoke(null, need(uuid, values.id, '--id')).catch((err: unknown) => {
        if ((err as { code?: string }).code === 'not_found') throw new CliError('no key with that id');
        throw err;
      });
      deps.out(`revoked ${view.id} (${view.prefix}…)`);
      return;
    }
    case 'users:premium': {
      if (values.on === values.off) throw new CliError('give exactly one of --on or --off');
      const user = await deps.users.findByEmail(need(email, values.email, '--email'));
      if (!user) throw new CliError('no account with that email');
      await deps.users.setComplimentaryPremium(user.id, values.on === true);
      deps.authCache.userChanged(user.id);
      const credits = values.on ? await deps.creditGrants.complimentaryTurnedOn(user.id) : null;
      deps.out(`${user.email}: complimentary premium ${values.on ? 'on' : 'off'}${credits ? ` (this month's credits: ${credits.replace('_', ' ')})` : ''}`);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      deps.out(USAGE);
      return;
    case 'credits:grant':
    case 'credits:show':
      await runCreditsCommand(command, values, need(email, values.email, '--email'), need, deps, (m) => new CliError(m));
      return;
    default:
      throw new CliError(`unknown command "${command}"`);
  }
}
