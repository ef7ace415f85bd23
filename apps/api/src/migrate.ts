import { loadEnvOrExit } from './lib/config/env';
import { migrateDatabase } from './lib/db/migrate';

/**
 * `npm run db:migrate:prod` (node apps/api/dist/migrate.js): applies prisma/migrations to
 * DATABASE_URL without the Prisma CLI, which a production install (`npm ci --omit=dev`) lacks.
 * It records each migration in `_prisma_migrations` and takes the lock `prisma migrate deploy`
 * takes, so the two agree and never run at the same time. The deploy step of the container
 * set-up (deploy/compose.yaml's `migrate` job).
 */
async function main(): Promise<void> {
  const env = loadEnvOrExit();
  if (!env.DATABASE_URL) {
    process.stderr.write('error: DATABASE_URL is not set; nothing to migrate (the embedded database migrates itself at start).\n');
    process.exit(1);
  }
  const applied = await migrateDatabase(env.DATABASE_URL);
  process.stdout.write(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'database is up to date\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
