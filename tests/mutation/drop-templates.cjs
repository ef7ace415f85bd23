// Drops the databases of one mutation run (stryker.config.mjs calls it on exit): the workers'
// templates, their test databases and spare clones (tests/mutation/db-pool.ts):
// node tests/mutation/drop-templates.cjs <run id>
'use strict';
const pg = require('pg');

async function main() {
  const run = process.argv[2];
  if (!run || !/^(adhoc)?[a-f0-9]+$/.test(run)) throw new Error('usage: drop-templates.cjs <hex run id>');
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR starts_with(datname, $2) OR starts_with(datname, $3)',
      [`twdown_tpl_mut_${run}_`, `twdown_tmut_${run}_`, `twdown_smut_${run}_`],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

main().catch((err) => {
  process.stderr.write(`drop-templates: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
