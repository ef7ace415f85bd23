/**
 * deploy/compose.yaml and compose.cluster.yaml cannot be run here (no registry reachable, no
 * Compose). This checks them offline: they parse, hold the services the deployment promises,
 * wire health checks and start order as documented, and give the API a configuration that the
 * app's own config schema accepts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envSchema, loadEnv } from '../../apps/api/src/lib/config/env';

const ROOT = path.resolve(__dirname, '../..');
const DEPLOY = path.join(ROOT, 'deploy');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  ports?: string[];
  volumes?: string[];
  restart?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function load(file: string): ComposeFile {
  return parse(readFileSync(path.join(DEPLOY, file), 'utf8'), { merge: true, uniqueKeys: true }) as ComposeFile;
}

/** Stands in for the operator's value of every required (${VAR:?…}) variable; long enough for the 32-character secrets. */
const SAMPLE_SECRET = 'sample-secret-0123456789abcdef0123456789';

/** Compose's ${VAR:-default} / ${VAR:?error} interpolation, with a sample value for required ones. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, _name: string, fallback: string | undefined) => fallback ?? SAMPLE_SECRET);
}

const commandOf = (s: Service | undefined) => (Array.isArray(s?.command) ? s.command.join(' ') : (s?.command ?? ''));

// Variables the Redis Cluster work (issue 10, merged separately) adds to the config schema.
const PENDING_VARS = new Set(['REDIS_CLUSTER_NODES']);

const FILES = {
  'compose.yaml': {
    services: ['api', 'migrate', 'postgres', 'proxy', 'redis'],
    redisServices: ['redis'],
    apiWaitsFor: { migrate: 'service_completed_successfully', postgres: 'service_healthy', redis: 'service_healthy' },
  },
  'compose.cluster.yaml': {
    services: ['api', 'migrate', 'postgres', 'proxy', 'redis-1', 'redis-2', 'redis-3', 'redis-4', 'redis-5', 'redis-6', 'redis-cluster-init'],
    redisServices: ['redis-1', 'redis-2', 'redis-3', 'redis-4', 'redis-5', 'redis-6'],
    apiWaitsFor: { migrate: 'service_completed_successfully', postgres: 'service_healthy', 'redis-cluster-init': 'service_completed_successfully' },
  },
} as const;

describe.each(Object.entries(FILES))('deploy/%s', (file, expected) => {
  const compose = load(file);
  const s = compose.services;

  it('holds exactly the promised services, 3 API replicas, and publishes only the proxy', () => {
    expect(Object.keys(s).sort()).toEqual([...expected.services]);
    expect(s.api?.deploy?.replicas).toBe(3);
    for (const [name, svc] of Object.entries(s)) if (name !== 'proxy') expect({ name, ports: svc.ports }).toEqual({ name, ports: undefined });
    expect(s.proxy?.ports).toEqual(['${HTTP_PORT:-8080}:80']);
  });

  it('health-checks every long-running service, the API on /readyz at the image port', () => {
    for (const name of ['postgres', 'api', ...expected.redisServices]) {
      expect({ name, healthcheck: Boolean(s[name]?.healthcheck?.test.length) }).toEqual({ name, healthcheck: true });
    }
    const apiCheck = s.api?.healthcheck?.test.join(' ') ?? '';
    expect(apiCheck).toContain('http://127.0.0.1:3000/readyz');
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/PORT=3000/);
  });

  it('starts in order: database healthy → migrate job completes → API replicas healthy → proxy', () => {
    expect(s.migrate?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(s.migrate?.restart).toBe('no');
    expect(s.api?.depends_on).toEqual(Object.fromEntries(Object.entries(expected.apiWaitsFor).map(([k, condition]) => [k, { condition }])));
    expect(s.proxy?.depends_on).toEqual({ api: { condition: 'service_healthy' } });
  });

  it('runs the migration job and the API from the one image built from the repository Dockerfile', () => {
    expect(s.migrate?.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
    expect(existsSync(path.join(DEPLOY, '..', 'Dockerfile'))).toBe(true);
    expect(s.api?.image).toBe(s.migrate?.image);
    expect(s.api?.build).toEqual(s.migrate?.build);
    expect(s.migrate?.command).toEqual(['node', 'apps/api/dist/migrate.js']);
    expect(existsSync(path.join(ROOT, 'apps/api/src/migrate.ts'))).toBe(true); // compiled to dist/migrate.js
  });

  it('keeps Redis data in an append-only file fsynced every second', () => {
    for (const name of expected.redisServices) {
      const cmd = commandOf(s[name]);
      expect(cmd).toMatch(/--appendonly yes/);
      expect(cmd).toMatch(/--appendfsync everysec/);
      expect(s[name]?.volumes?.[0]).toMatch(/:\/data$/);
    }
  });

  it("gives the API an environment the app's config schema accepts, naming only variables it reads", () => {
    const env = Object.fromEntries(Object.entries(s.api?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
    const unknown = Object.keys(env).filter((k) => !(k in envSchema.shape) && !PENDING_VARS.has(k));
    expect(unknown).toEqual([]);
    expect(() => loadEnv(env)).not.toThrow();
    expect(env.DATABASE_URL).toBe(`postgresql://twdown:${SAMPLE_SECRET}@postgres:5432/twdown`);
    expect(s.migrate?.environment?.DATABASE_URL).toBe(s.api?.environment?.DATABASE_URL);
    expect(env.TRUST_PROXY).toBe('1'); // one proxy hop in front
    expect(env.NODE_ENV).toBe('production');
  });

  it('puts Caddy in front of the API service on its port, hiding /metrics', () => {
    expect(s.proxy?.volumes).toEqual(['./Caddyfile:/etc/caddy/Caddyfile:ro']);
    const caddy = readFileSync(path.join(DEPLOY, 'Caddyfile'), 'utf8');
    expect(caddy).toMatch(/dynamic a api 3000/);
    expect(caddy).toMatch(/@metrics path \/metrics\s+respond @metrics 404/);
  });
});

describe('deploy/compose.yaml Redis', () => {
  it('points the API at the single Redis', () => {
    expect(load('compose.yaml').services.api?.environment?.REDIS_URL).toBe('redis://redis:6379');
  });
});

describe('deploy/compose.cluster.yaml Redis Cluster', () => {
  const s = load('compose.cluster.yaml').services;

  it('runs 6 cluster-enabled nodes that announce their compose hostnames', () => {
    for (let i = 1; i <= 6; i++) {
      const cmd = commandOf(s[`redis-${i}`]);
      expect(cmd).toMatch(/--cluster-enabled yes/);
      expect(cmd).toContain(`--cluster-announce-hostname redis-${i}`);
      expect(s['redis-cluster-init']?.depends_on?.[`redis-${i}`]).toEqual({ condition: 'service_healthy' });
    }
  });

  it('forms the cluster once (3 masters with a replica each) and seeds the API with REDIS_CLUSTER_NODES instead of REDIS_URL', () => {
    const init = commandOf(s['redis-cluster-init']);
    expect(init).toMatch(/redis-cli --cluster create redis-1:6379 redis-2:6379 redis-3:6379 redis-4:6379 redis-5:6379 redis-6:6379 --cluster-replicas 1 --cluster-yes/);
    expect(init).toMatch(/cluster_state:ok \|\|/); // a no-op when the cluster already exists
    expect(s.api?.environment?.REDIS_CLUSTER_NODES).toBe('redis-1:6379,redis-2:6379,redis-3:6379');
    expect(s.api?.environment?.REDIS_URL).toBeUndefined();
  });
});
