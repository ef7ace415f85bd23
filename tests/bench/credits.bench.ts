/**
 * npm run bench:credits — what the credits ledger costs, on a throwaway PostgreSQL database.
 *
 *   1. reserve(): 16 concurrent callers, alternating rounds of
 *        (a) a baseline: a bare INSERT of a spend row (no transaction, lock or balance check),
 *        (b) reserve() spread over 16 accounts (locks never contend),
 *        (c) reserve() on ONE account (every call waits for the account's row lock),
 *      reporting ops/s, p50/p99 latency, this process's CPU per op, and the ratios to (a).
 *   2. balance() (SUM over the account's rows) as the ledger grows: 100, 10,000, 100,000 rows.
 *
 * PostgreSQL runs as its own server; pin this process away from it if you can, e.g.
 * `taskset -c 1 npm run bench:credits` with PostgreSQL on core 0. Numbers are noisy on a shared
 * machine: compare the ratios of one run, not absolute figures across runs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createPrisma, type PrismaClient } from '../../apps/api/src/lib/db/prisma';
import { createCreditsService, type CreditsService } from '../../apps/api/src/modules/credits/credits.service';
import { createCreditsRepository } from '../../apps/api/src/modules/credits/credits.repository';
import { createBenchDatabase } from './bench-db';

const OPS = Number(process.env.BENCH_CREDITS_OPS ?? 1000);
const ROUNDS = Number(process.env.BENCH_CREDITS_ROUNDS ?? 3);
const CONCURRENCY = 16;

interface Result {
  opsPerSec: number;
  p50: number;
  p99: number;
  cpuUsPerOp: number;
}

async function measure(ops: number, op: (i: number) => Promise<unknown>): Promise<Result> {
  const lat: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < ops; i = next++) {
        const s = performance.now();
        await op(i);
        lat.push(performance.now() - s);
      }
    }),
  );
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0;
  return { opsPerSec: (ops / wall) * 1000, p50: q(0.5), p99: q(0.99), cpuUsPerOp: (cpu.user + cpu.system) / ops };
}

async function newUser(prisma: PrismaClient, credits: CreditsService, grant: number): Promise<string> {
  const u = await prisma.user.create({ data: { email: `bench-${randomBytes(5).toString('hex')}@example.com` } });
  await credits.grant({ userId: u.id, amount: grant, reason: 'bench', idempotencyKey: randomUUID() });
  return u.id;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const fmt = (r: Result) => `${r.opsPerSec.toFixed(0).padStart(6)} ops/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  CPU ${r.cpuUsPerOp.toFixed(0).padStart(5)} µs/op`;

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  const prisma = createPrisma(db.url, { maxConnections: CONCURRENCY });
  const credits = createCreditsService({ repo: createCreditsRepository(prisma) });
  try {
    console.log(`credits bench: ${OPS} ops per round, ${CONCURRENCY} concurrent callers, ${ROUNDS} alternating rounds`);
    const runs: Record<'baseline' | 'spread' | 'single', Result[]> = { baseline: [], spread: [], single: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const base = await newUser(prisma, credits, OPS);
      runs.baseline.push(
        await measure(OPS, () =>
          prisma.creditEntry.create({ data: { userId: base, kind: 'spend', amount: -1, reason: 'bench', idempotencyKey: randomUUID() } }),
        ),
      );
      const spread = await Promise.all(Array.from({ length: CONCURRENCY }, () => newUser(prisma, credits, OPS)));
      runs.spread.push(await measure(OPS, (i) => credits.reserve({ userId: spread[i % CONCURRENCY] ?? '', amount: 1, reason: 'bench', idempotencyKey: randomUUID() })));
      const one = await newUser(prisma, credits, OPS);
      runs.single.push(await measure(OPS, () => credits.reserve({ userId: one, amount: 1, reason: 'bench', idempotencyKey: randomUUID() })));
      console.log(`round ${round + 1}:`);
      console.log(`  baseline INSERT          ${fmt(runs.baseline[round])}`);
      console.log(`  reserve, 16 accounts     ${fmt(runs.spread[round])}`);
      console.log(`  reserve, one account     ${fmt(runs.single[round])}`);
    }
    const med = (k: keyof typeof runs, f: keyof Result) => median(runs[k].map((r) => r[f]));
    console.log('medians over rounds (ratio to the bare INSERT of the same run):');
    for (const k of ['spread', 'single'] as const) {
      console.log(
        `  ${k === 'spread' ? 'reserve, 16 accounts' : 'reserve, one account'}: throughput ×${(med(k, 'opsPerSec') / med('baseline', 'opsPerSec')).toFixed(2)}, p50 ×${(med(k, 'p50') / med('baseline', 'p50')).toFixed(2)}, CPU/op ×${(med(k, 'cpuUsPerOp') / med('baseline', 'cpuUsPerOp')).toFixed(2)}`,
      );
    }

    console.log('balance() as the ledger grows (median of 50 calls):');
    for (const rows of [100, 10_000, 100_000]) {
      const u = await prisma.user.create({ data: { email: `ledger-${rows}-${randomBytes(4).toString('hex')}@example.com` } });
      await prisma.$executeRaw`INSERT INTO credit_entries (id, user_id, kind, amount, reason, idempotency_key)
        SELECT gen_random_uuid(), ${u.id}::uuid, 'grant', 1, 'bench', 'row-' || g FROM generate_series(1, ${rows}) g`;
      await prisma.$executeRawUnsafe('ANALYZE credit_entries');
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        const s = performance.now();
        const b = await credits.balance(u.id);
        times.push(performance.now() - s);
        if (b !== rows) throw new Error(`balance ${b} != ${rows}`);
      }
      console.log(`  ${String(rows).padStart(7)} rows: ${median(times).toFixed(2)} ms`);
    }
  } finally {
    await prisma.$disconnect();
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
