import v8 from 'node:v8';
import vm from 'node:vm';
import { Command } from 'ioredis';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { createRedis, waitForRedis, type Redis } from '../../apps/api/src/lib/redis/redis';
import { startOwnRedis, type OwnRedis } from '../support/redis-server';

// The command deadline of a single Redis server (docs/deploy.md, REDIS_COMMAND_TIMEOUT_MS): a
// command unanswered at its deadline fails and the silent connection is re-made; a command that
// was answered (even with an error, even while the event loop was busy) never counts as timed out.
const DEADLINE_MS = 200;

let own: OwnRedis;
let redis: Redis;
/** Connections of this test's client that closed (a client of an earlier test does not count). */
let closes = 0;
beforeAll(async () => {
  own = await startOwnRedis();
});
afterAll(async () => {
  await own.stop();
});
beforeEach(async () => {
  closes = 0;
  const client = createRedis({ url: own.url }, createLogger({ level: 'silent' }), 'test', { commandTimeoutMs: DEADLINE_MS });
  client.on('close', () => {
    if (client === redis) closes++;
  });
  redis = client;
  await waitForRedis(redis);
});
afterEach(() => {
  own.thaw();
  redis.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Keeps the event loop busy, as a burst of requests on a loaded machine does. */
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
};

it('when Redis is frozen, then a command fails at its deadline, not before, and the connection is re-made after thawing', async () => {
  own.freeze();
  const started = performance.now();
  const outcome = await redis.get('deadline:frozen').then(
    () => 'answered',
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  const elapsed = performance.now() - started;
  expect(outcome).toMatch(/timed out/);
  expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 1);
  // wide bound: the point is that it does not hang, not how fast it fails
  expect(elapsed).toBeLessThan(DEADLINE_MS + 2000);
  // the silent connection is dropped right after the deadline
  await sleep(50);
  expect(closes).toBeGreaterThanOrEqual(1);
  own.thaw();
  await waitForRedis(redis, 5000);
  expect(await redis.ping()).toBe('PONG');
});

it('when a command is sent while an earlier one is still timed, then it gets its own full deadline', async () => {
  // the first command is answered at once, but its deadline is still ahead when the second is sent
  await redis.ping();
  await sleep(DEADLINE_MS / 2);
  own.freeze();
  const started = performance.now();
  const outcome = await redis.ping().then(
    () => 'answered',
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  expect(outcome).toMatch(/timed out/);
  // not failed when the first command's deadline passed (half a deadline after this one was sent)
  expect(performance.now() - started).toBeGreaterThanOrEqual(DEADLINE_MS - 1);
});

it('when a command is answered with an error, then its deadline passing later does not drop the connection', async () => {
  await redis.set('deadline:text', 'not a number');
  await expect(redis.incr('deadline:text')).rejects.toThrow(/not an integer/);
  await sleep(DEADLINE_MS * 2);
  expect(closes).toBe(0);
  expect(redis.status).toBe('ready');
  await redis.del('deadline:text');
});

it('when the reply waits in the socket while the event loop is busy past the deadline, then the command succeeds and the connection stays', async () => {
  const answer = redis.ping();
  // the client writes the command from a setImmediate (coalesceWrites()); this one runs right
  // after it, before the event loop could read the reply
  await new Promise<void>((resolve) =>
    setImmediate(() => {
      busy(DEADLINE_MS * 2);
      resolve();
    }),
  );
  await expect(answer).resolves.toBe('PONG');
  await sleep(DEADLINE_MS);
  expect(closes).toBe(0);
});

it('when many commands are in flight, then all are answered and none times out', async () => {
  const replies = await Promise.all(Array.from({ length: 2000 }, (_, i) => redis.echo(`m${i}`)));
  expect(replies[1999]).toBe('m1999');
  await sleep(DEADLINE_MS * 2);
  expect(closes).toBe(0);
});

it('when a command has been answered, then the deadline bookkeeping no longer holds it (long before its deadline)', async () => {
  // A command held until its deadline outlives many young-generation GCs under load and is
  // promoted with its arguments and reply (one reason a cache-hit run's heap grew to 170 MB).
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const long = createRedis({ url: own.url }, createLogger({ level: 'silent' }), 'test-long', { commandTimeoutMs: 60_000 });
  try {
    await waitForRedis(long);
    // sent and awaited in a frame of its own, so this test keeps only the WeakRefs
    const sendAll = async (): Promise<Array<WeakRef<Command>>> => {
      const commands = Array.from({ length: 20 }, (_, i) => new Command('echo', [`held${i}`]));
      commands.forEach((c) => void long.sendCommand(c));
      expect(await Promise.all(commands.map((c) => c.promise))).toHaveLength(20);
      return commands.map((c) => new WeakRef(c));
    };
    const refs = await sendAll();
    for (let i = 0; i < 5; i++) {
      await sleep(10);
      gc();
    }
    // the deadline (60 s) is far away: only the answer can have let them go
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
  } finally {
    long.disconnect();
  }
});
