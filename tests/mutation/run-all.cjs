// npm run test:mutation: every module of tests/mutation/modules.cjs, one Stryker run per module,
// one after the other, then one table of scores per module and per file.
//   npm run test:mutation                          all six modules
//   MUTATION_MODULE=billing,keys npm run test:mutation   those modules only
//
// Why one run per module rather than one run over the union: Stryker's jest runner starts jest
// once per mutant over every test file of the configuration (its per-test coverage only narrows
// the test *names*), so each file's imports are loaded again for every mutant. Over the union
// (15 files) a keys mutant paid for the billing, usage and rate-limit files too: the same 88 keys
// mutants took 6 min 27 s over the union against 1 min 58 s over the keys files alone.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { selected } = require('./modules.cjs');

const root = path.resolve(__dirname, '../..');
const stryker = path.join(root, 'node_modules/.bin/stryker');
const TARGET = 80; // % per module (issue 7)

/** Counts by Stryker status for one report file's mutants. */
function tally(mutants) {
  const t = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0 };
  for (const m of mutants) {
    if (m.status === 'Killed') t.killed++;
    else if (m.status === 'Timeout') t.timeout++;
    else if (m.status === 'Survived') t.survived++;
    else if (m.status === 'NoCoverage') t.noCoverage++;
    else if (m.status === 'Ignored') t.ignored++;
    else t.errors++; // CompileError, RuntimeError, Pending
  }
  return t;
}

/** Stryker's mutation score: detected / (detected + undetected), ignored and errors left out. */
function score(t) {
  const valid = t.killed + t.timeout + t.survived + t.noCoverage;
  return valid === 0 ? null : (100 * (t.killed + t.timeout)) / valid;
}

function add(a, b) {
  const out = { ...a };
  for (const k of Object.keys(b)) out[k] = (out[k] ?? 0) + b[k];
  return out;
}

const pct = (s) => (s === null ? 'n/a' : `${s.toFixed(1)} %`);
const row = (name, t, extra = '') =>
  `| ${name} | ${t.killed} | ${t.timeout} | ${t.survived} | ${t.noCoverage} | ${t.ignored} | ${t.errors} | ${pct(score(t))} |${extra}`;

function main() {
  const { names } = selected();
  const started = Date.now();
  const results = [];
  let failed = false;
  for (const name of names) {
    const t0 = Date.now();
    process.stdout.write(`\n=== mutation: ${name} (${names.indexOf(name) + 1}/${names.length}) ===\n`);
    const run = spawnSync(stryker, ['run'], { cwd: root, stdio: 'inherit', env: { ...process.env, MUTATION_MODULE: name } });
    const seconds = (Date.now() - t0) / 1000;
    const report = path.join(root, 'reports/mutation', `${name}.json`);
    if (run.status !== 0 || !existsSync(report)) {
      process.stderr.write(`mutation: stryker failed for ${name} (exit ${run.status ?? run.signal})\n`);
      failed = true;
      results.push({ name, seconds, files: null });
      continue;
    }
    const files = Object.entries(JSON.parse(readFileSync(report, 'utf8')).files).map(([file, f]) => ({
      file: path.relative(root, path.resolve(root, file)).replace(/^apps\/api\/src\/modules\//, ''),
      t: tally(f.mutants),
    }));
    results.push({ name, seconds, files });
  }

  const lines = ['', '| module / file | killed | timeout | survived | no coverage | ignored | errors | score |', '|---|---|---|---|---|---|---|---|'];
  const verdicts = [];
  for (const r of results) {
    const time = `${Math.floor(r.seconds / 60)} min ${Math.round(r.seconds % 60)} s`;
    if (!r.files) {
      lines.push(`| **${r.name}** (${time}) | stryker failed | | | | | | |`);
      verdicts.push(`${r.name}: FAILED (no report)`);
      continue;
    }
    const total = r.files.reduce((acc, f) => add(acc, f.t), tally([]));
    lines.push(row(`**${r.name}** (${time})`, total));
    for (const f of r.files.sort((a, b) => a.file.localeCompare(b.file))) lines.push(row(`\`${f.file}\``, f.t));
    const s = score(total);
    verdicts.push(`${r.name}: ${pct(s)} (target >= ${TARGET} %: ${s !== null && s >= TARGET ? 'met' : 'MISSED'})`);
  }
  const minutes = (Date.now() - started) / 60000;
  process.stdout.write(`${lines.join('\n')}\n\n${verdicts.join('\n')}\n`);
  process.stdout.write(`all ${results.length} module(s) in ${minutes.toFixed(1)} min (target for all six: under 30 min)\n`);
  process.exit(failed ? 1 : 0);
}

main();
