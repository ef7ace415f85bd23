// Prisma's native schema engine cannot be downloaded on our build machines (no internet), so
// migrations run on Prisma's bundled WebAssembly engine through the pg driver adapter
// ("engine: js"). Users with internet can still use every standard `prisma` command.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

function connectionFields(url: string) {
  // The adapter's shadow-database helper overrides `database` when a connectionString is
  // given, so pass the fields separately.
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    database: u.pathname.replace(/^\//, '') || undefined,
    options: u.searchParams.get('schema') ? `-c search_path=${u.searchParams.get('schema')}` : undefined,
  };
}

// schema.prisma reads DATABASE_URL through env(); `prisma generate` needs it set even though it
// never connects. Default to the local development database documented in .env.example.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/twdown';

export default defineConfig({
  experimental: { adapter: true },
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  engine: 'js',
  async adapter() {
    const url = process.env.DATABASE_URL ?? '';
    return new PrismaPg(connectionFields(url));
  },
});
