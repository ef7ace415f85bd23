import type { Socket } from 'node:net';
import { createLogger } from '../../apps/api/src/lib/logger/logger';
import { createRedis, waitForRedis, type Redis } from '../../apps/api/src/lib/redis/redis';
import { REDIS_URL } from '../support/db';

// One server's client sends the commands of one event-loop turn in one write (coalesceWrites()
// in lib/redis/redis.ts, docs/architecture.md seventh pass), in their order, each answered on its own.

let redis: Redis;
/** socket writes (a write or a writev each, i.e. one system call's worth) since the last reset */
let writes = 0;

beforeEach(async () => {
  redis = createRedis({ url: REDIS_URL }, createLogger({ level: 'silent' }), 'test');
  await waitForRedis(redis);
  const socket = (redis as unknown as { stream: Socket & { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void } }).stream;
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (...a: unknown[]) => {
    writes++;
    write(...a);
  };
  socket._writev = (...a: unknown[]) => {
    writes++;
    writev(...a);
  };
  writes = 0;
});
afterEach(() => {
  redis.disconnect();
});

it('when 100 commands are sent in one turn, then they leave in one write and each gets its own answer, in order', async () => {
  const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => redis.echo(`c${i}`)));
  expect(replies).toEqual(Array.from({ length: 100 }, (_, i) => `c${i}`));
  expect(writes).toBe(1);
});

it('when commands are sent in later turns, then each turn is written on its own and none waits for another', async () => {
  expect(await redis.echo('first')).toBe('first');
  const afterFirst = writes;
  expect(afterFirst).toBe(1);
  expect(await Promise.all([redis.echo('second'), redis.echo('third')])).toEqual(['second', 'third']);
  expect(writes).toBe(2);
});

it('when one command of a turn fails, then only that one fails and the others are answered', async () => {
  const key = `coalesce:${process.pid}:text`;
  await redis.set(key, 'not a number');
  const outcomes = await Promise.allSettled([redis.echo('before'), redis.incr(key), redis.echo('after')]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'before' });
  expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 'after' });
  await redis.del(key);
});
