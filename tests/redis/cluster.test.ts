/**
 * The API on a real Redis Cluster (3 masters on loopback): the run's cluster under
 * `npm run test:cluster`, otherwise one this file starts, so plain `npm test` covers it too.
 * What breaks in a cluster and not on one server: commands touching keys of several hash slots
 * (CROSSSLOT), SCAN seeing one node only, and pub/sub subscribers on other nodes.
 */
import request from 'supertest';
import { Cluster } from 'ioredis';
import type { RedisTarget } from '../../apps/api/src/lib/redis/redis';
import { createAuthCache, type KeyPrincipal } from '../../apps/api/src/modules/keys/auth-cache';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { bearer, startHarness, type Harness } from '../support/harness';
import { clusterNodesOfRun, connectTestRedis, deleteKeysWithPrefix, startRedisCluster, type LocalCluster } from '../support/redis';

const BAD_URL = { url: 'https://example.com/nope' };
let own: LocalCluster | undefined;
let target: RedisTarget;

function toTarget(nodes: string): RedisTarget {
  return { clusterNodes: nodes.split(',').map((n) => ({ host: n.split(':')[0] ?? '', port: Number(n.split(':')[1]) })) };
}

beforeAll(async () => {
  const nodes = clusterNodesOfRun() ?? (own = await startRedisCluster(3)).nodes;
  target = toTarget(nodes);
}, 60_000);
afterAll(async () => {
  await own?.stop();
});

describe('the API on a Redis Cluster', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ redisTarget: target, env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('when the server starts with REDIS_CLUSTER_NODES, then it runs in cluster mode and is ready', async () => {
    expect(h.container.redis).toBeInstanceOf(Cluster);
    const ready = await request(h.app).get('/readyz');
    expect(ready.status).toBe(200);
  });

  it('when requests of 40 keys (spread over every master) are counted, then the usage flush writes all of them', async () => {
    const keys = await Promise.all(Array.from({ length: 40 }, () => h.createKey()));
    for (const { key } of keys) {
      for (let i = 0; i < 3; i++) expect((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(BAD_URL)).status).toBe(400);
    }
    // Counted in-process, then Redis (one transaction per key), then PostgreSQL on read.
    await h.container.usage.flushLocal();
    await h.container.usage.flush();
    const rows = await h.container.prisma.usageHour.findMany({ where: { keyId: { in: keys.map((k) => k.keyId) } } });
    expect(rows).toHaveLength(40);
    expect(rows.every((r) => r.requests === 3 && r.rateLimited === 0)).toBe(true);
  });

  it('when an account passes its minute limit, then the cluster refuses it like a single Redis (5 then 429)', async () => {
    const { key } = await h.createKey();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await request(h.app).post('/api/v1/twitter').set(bearer(key)).send(BAD_URL)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
  });
});

describe('auth invalidation across cluster nodes', () => {
  const logger = createLogger({ level: 'silent' });
  const principal: KeyPrincipal = { keyId: 'k1', userId: 'u1', premium: true, expiresAt: null };

  it('when one process publishes a key change, then processes subscribed through other nodes drop it within 1 s', async () => {
    const clients = Array.from({ length: 4 }, () => connectTestRedis(target));
    const caches = clients.map((redis) => createAuthCache({ ttlMs: 60_000, redis, logger }));
    try {
      await Promise.all(caches.map((c) => c.listen()));
      // each subscriber connection sits on a node ioredis picked; together they cover several
      const hash = `cluster-test-${Date.now()}`;
      for (const c of caches.slice(1)) c.set(hash, principal, c.generation());
      const started = Date.now();
      caches[0]?.keyChanged(hash);
      while (caches.slice(1).some((c) => c.get(hash) !== undefined) && Date.now() - started < 1000) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(caches.slice(1).map((c) => c.get(hash))).toEqual([undefined, undefined, undefined]);
    } finally {
      await Promise.all(caches.map((c) => c.close()));
      for (const r of clients) r.disconnect();
    }
  });
});

describe('test clean-up on a cluster', () => {
  it('when keys of one prefix are spread over every master, then deleting the prefix removes them all', async () => {
    const redis = connectTestRedis(target);
    const prefix = `cleanup-test-${Date.now()}:`;
    try {
      await Promise.all(Array.from({ length: 60 }, (_, i) => redis.set(`${prefix}${i}`, '1')));
      if (!(redis instanceof Cluster)) throw new Error('expected a cluster client');
      const masters = redis.nodes('master');
      const perMaster = async () => Promise.all(masters.map(async (m) => (await m.keys(`${prefix}*`)).length));
      const before = await perMaster();
      expect(before.filter((n) => n > 0)).toHaveLength(3); // the case a single-node SCAN gets wrong
      await deleteKeysWithPrefix(redis, prefix);
      expect(await perMaster()).toEqual([0, 0, 0]);
    } finally {
      redis.disconnect();
    }
  });
});
