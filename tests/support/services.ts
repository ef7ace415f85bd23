/**
 * PostgreSQL and Redis for the test run. When DATABASE_URL / REDIS_URL (or their local
 * defaults) answer, they are used. When one does not, a throwaway server is started from the
 * binaries on this machine (PostgreSQL: initdb + pg_ctl in a temp directory; Redis:
 * redis-server on a free port) and stopped by global teardown. Without the binaries the run
 * stops at once with one message saying what is missing and how to get it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** Where global setup records what it started, for global teardown (same process). */
const STATE_VAR = 'TWDOWN_TEST_THROWAWAY';

interface Throwaway {
  dir: string;
  postgres?: { pgCtl: string; dataDir: string; asUser: string | null };
  redis?: { pidFile: string };
}

export class MissingServicesError extends Error {
  constructor(missing: string[]) {
    super(
      [
        `Tests need PostgreSQL and Redis, and cannot get them: ${missing.join('; ')}.`,
        'Either start them and point the tests at them with DATABASE_URL / REDIS_URL (e.g. `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16`',
        'and `docker run -d -p 6379:6379 redis:7`, the images deploy/compose.yaml uses),',
        'or install the binaries so the tests start throwaway servers themselves: `apt-get install postgresql redis-server` (Debian/Ubuntu).',
      ].join('\n'),
    );
    this.name = 'MissingServicesError';
    this.stack = this.message; // one clear message, not a trace
  }
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A bare PING over TCP: no client library needed, and no retries to wait for. */
async function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')));
  });
}

/** Directories searched for server binaries: TWDOWN_TEST_SERVER_BIN_PATH if set, else PATH and Debian's PostgreSQL dirs. */
function searchDirs(): string[] {
  const override = process.env.TWDOWN_TEST_SERVER_BIN_PATH;
  if (override !== undefined) return override.split(path.delimiter).filter(Boolean);
  const debian = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  return [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...debian];
}

function findBinary(name: string, dirs: string[]): string | null {
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to `postgres` and runs through runuser. */
function runAs(user: string | null, file: string, args: string[]): void {
  if (user) execFileSync('runuser', ['-u', user, '--', file, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  else execFileSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function startPostgres(dir: string, initdb: string, pgCtl: string): Promise<{ url: string; state: NonNullable<Throwaway['postgres']> }> {
  const port = await freePort();
  let asUser: string | null = null;
  if (process.getuid?.() === 0) {
    asUser = 'postgres';
    const uid = Number(execFileSync('id', ['-u', asUser], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', asUser], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const dataDir = path.join(dir, 'pgdata');
  runAs(asUser, initdb, ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  runAs(asUser, pgCtl, [
    '-D', dataDir, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '30',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, state: { pgCtl, dataDir, asUser } };
}

async function startRedis(dir: string, redisServer: string): Promise<{ url: string; state: NonNullable<Throwaway['redis']> }> {
  const port = await freePort();
  const pidFile = path.join(dir, 'redis.pid');
  execFileSync(redisServer, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--daemonize', 'yes', '--pidfile', pidFile, '--dir', dir, '--logfile', path.join(dir, 'redis.log'),
  ]);
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 50));
  return { url, state: { pidFile } };
}

/**
 * Makes process.env.DATABASE_URL and REDIS_URL point at servers that answer (test files and
 * the processes they spawn inherit them). Returns what it had to start, for the log.
 */
export async function ensureServices(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string[]> {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const [pgOk, redisOk] = await Promise.all([postgresAnswers(databaseUrl), redisAnswers(redisUrl)]);
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL = redisUrl;
  if (pgOk && redisOk) return [];

  const dirs = searchDirs();
  const initdb = findBinary('initdb', dirs);
  const pgCtl = findBinary('pg_ctl', dirs);
  const redisServer = findBinary('redis-server', dirs);
  const missing: string[] = [];
  if (!pgOk && !(initdb && pgCtl)) missing.push(`PostgreSQL at ${databaseUrl} does not answer and initdb/pg_ctl are not installed`);
  if (!redisOk && !redisServer) missing.push(`Redis at ${redisUrl} does not answer and redis-server is not installed`);
  if (missing.length) throw new MissingServicesError(missing);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'twdown-services-'));
  const state: Throwaway = { dir };
  const started: string[] = [];
  try {
    if (!pgOk && initdb && pgCtl) {
      const pgServer = await startPostgres(dir, initdb, pgCtl);
      state.postgres = pgServer.state;
      process.env.DATABASE_URL = pgServer.url;
      started.push(`PostgreSQL (${pgServer.url})`);
      log(`tests: ${databaseUrl} does not answer; started a throwaway PostgreSQL at ${pgServer.url} (removed after the run)`);
    }
    if (!redisOk && redisServer) {
      const redis = await startRedis(dir, redisServer);
      state.redis = redis.state;
      process.env.REDIS_URL = redis.url;
      started.push(`Redis (${redis.url})`);
      log(`tests: ${redisUrl} does not answer; started a throwaway Redis at ${redis.url} (removed after the run)`);
    }
  } catch (err) {
    process.env[STATE_VAR] = JSON.stringify(state);
    stopServices();
    throw err;
  }
  process.env[STATE_VAR] = JSON.stringify(state);
  return started;
}

/** Stops whatever ensureServices started and removes its directory. */
export function stopServices(): void {
  const raw = process.env[STATE_VAR];
  if (!raw) return;
  delete process.env[STATE_VAR];
  const state = JSON.parse(raw) as Throwaway;
  if (state.postgres) {
    const { pgCtl, dataDir, asUser } = state.postgres;
    const args = [pgCtl, '-D', dataDir, '-m', 'immediate', '-w', 'stop'];
    spawnSync(asUser ? 'runuser' : args[0] ?? pgCtl, asUser ? ['-u', asUser, '--', ...args] : args.slice(1), { stdio: 'ignore' });
  }
  if (state.redis && existsSync(state.redis.pidFile)) {
    const pid = Number(readFileSync(state.redis.pidFile, 'utf8').trim());
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  rmSync(state.dir, { recursive: true, force: true });
}
