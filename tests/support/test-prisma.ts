import { createPrisma, type PrismaClient } from '../../apps/api/src/lib/db/prisma';
import { createTestDatabase, type TestDatabase } from './db';

export interface TestPrisma {
  /** A Prisma client on this file's own database (inside tests and hooks). */
  readonly prisma: PrismaClient;
}

/**
 * For unit-level test files: a database of the file's own (cloned from the migrated template)
 * with a Prisma client on it, made before the file's first test and dropped after its last.
 * Call it inside `describe`.
 */
export function useTestPrisma(): TestPrisma {
  let db: TestDatabase | undefined;
  let prisma: PrismaClient | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrisma(db.url, { maxConnections: 4 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });
  return {
    get prisma() {
      if (!prisma) throw new Error('useTestPrisma: the database exists once the file has started (inside a test or hook)');
      return prisma;
    },
  };
}
