import { randomBytes } from 'node:crypto';
import { createPrisma } from '../../apps/api/src/lib/db/prisma';
import { createKeyService } from '../../apps/api/src/modules/keys/keys.service';
import { createKeysRepository } from '../../apps/api/src/modules/keys/keys.repository';
import { createUsersRepository } from '../../apps/api/src/modules/users/users.repository';
import { migrateDatabase } from '../../apps/api/src/lib/db/migrate';
import { urlForDatabase, withAdmin } from '../support/db';

/** A throwaway, migrated database for one benchmark run. */
export async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `twdown_bench_${randomBytes(5).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = urlForDatabase(name);
  await migrateDatabase(url);
  return { url, drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

/** A premium account with one API key in the bench database; returns the key. */
export async function createBenchPremiumKey(databaseUrl: string): Promise<string> {
  const prisma = createPrisma(databaseUrl, { maxConnections: 2 });
  try {
    const users = createUsersRepository(prisma);
    const keys = createKeyService({ repo: createKeysRepository(prisma), authCache: { keyChanged: () => undefined }, rotationGraceSeconds: 60 });
    const user = await users.findOrCreate('bench@example.com');
    await users.setComplimentaryPremium(user.id, true);
    const { key } = await keys.create(user.id, 'bench');
    return key;
  } finally {
    await prisma.$disconnect();
  }
}
