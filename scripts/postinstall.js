// `npm install` / `npm ci` hook: generate the Prisma client into apps/api/src/generated.
// A production install (`npm ci --omit=dev`) has no Prisma CLI and needs none: the built server
// (`npm run build`) carries the compiled client in apps/api/dist/generated. So the missing CLI
// is skipped with a note; any other failure of `prisma generate` still fails the install.
const { spawnSync } = require('node:child_process');

let cli;
try {
  cli = require.resolve('prisma/build/index.js');
} catch {
  console.log('postinstall: the Prisma CLI is not installed (production install): skipping `prisma generate`.');
  process.exit(0);
}
const res = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit' });
process.exit(res.status ?? 1);
