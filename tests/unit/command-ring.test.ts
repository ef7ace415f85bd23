import v8 from 'node:v8';
import vm from 'node:vm';
import { createCommandRing } from '../../apps/api/src/lib/redis/command-ring';

// Stand-ins for ioredis commands: the ring reads only isResolved.
interface Cmd {
  name: string;
  isResolved: boolean;
}
const cmd = (name: string): Cmd => ({ name, isResolved: false });
const names = (cs: Cmd[]) => cs.map((c) => c.name);

describe('createCommandRing() (the commands enforceDeadline() watches)', () => {
  it('when commands are answered in order, then the head moves past them and the oldest waiting one gives the deadline', () => {
    const ring = createCommandRing<Cmd>(4);
    const a = cmd('a');
    const b = cmd('b');
    ring.push(a, 100);
    ring.push(b, 200);
    expect(ring.oldestDeadline()).toBe(100);
    a.isResolved = true;
    ring.release();
    expect(ring.size()).toBe(1);
    expect(ring.oldestDeadline()).toBe(200);
    b.isResolved = true;
    ring.release();
    expect(ring.size()).toBe(0);
    expect(ring.oldestDeadline()).toBeUndefined();
  });

  it('when a later command is answered first, then the head stays at the older one still waiting', () => {
    const ring = createCommandRing<Cmd>(4);
    const a = cmd('a');
    const b = cmd('b');
    ring.push(a, 100);
    ring.push(b, 200);
    b.isResolved = true;
    ring.release();
    expect(ring.size()).toBe(2);
    expect(ring.oldestDeadline()).toBe(100);
    expect(names(ring.late(1000))).toEqual(['a']);
  });

  it('when a command fails, then it no longer counts as late and the head moves past it', () => {
    const ring = createCommandRing<Cmd>(4);
    const a = cmd('a');
    const b = cmd('b');
    const pa = ring.push(a, 100);
    ring.push(b, 200);
    ring.fail(pa, a);
    expect(names(ring.late(1000))).toEqual(['b']);
    ring.release();
    expect(ring.size()).toBe(1);
    expect(ring.oldestDeadline()).toBe(200);
  });

  it('when asked for late commands, then only those whose deadline has come are returned, oldest first', () => {
    const ring = createCommandRing<Cmd>(8);
    for (const [n, d] of [
      ['a', 10],
      ['b', 20],
      ['c', 30],
      ['d', 40],
    ] as const)
      ring.push(cmd(n), d);
    expect(names(ring.late(25))).toEqual(['a', 'b']);
    expect(names(ring.late(30))).toEqual(['a', 'b', 'c']);
    expect(names(ring.late(5))).toEqual([]);
  });

  it('when more commands wait than the ring has slots, then it grows and keeps each one, its deadline and its position', () => {
    const ring = createCommandRing<Cmd>(4);
    const all: Cmd[] = [];
    const positions: number[] = [];
    // start past slot 0 so the kept commands wrap around the end of the slots when it grows
    const warm = [cmd('w1'), cmd('w2'), cmd('w3')];
    for (const w of warm) ring.push(w, 0);
    ring.push(cmd('keep'), 5);
    for (const w of warm) w.isResolved = true;
    ring.release();
    for (let i = 0; i < 10; i++) {
      const c = cmd(`c${i}`);
      all.push(c);
      positions.push(ring.push(c, 100 + i));
    }
    expect(ring.size()).toBe(11);
    expect(names(ring.late(104))).toEqual(['keep', 'c0', 'c1', 'c2', 'c3', 'c4']);
    // positions handed out before the growth still name their command
    const c3 = all[3];
    const p3 = positions[3];
    if (!c3 || p3 === undefined) throw new Error('setup');
    ring.fail(p3, c3);
    expect(names(ring.late(104))).toEqual(['keep', 'c0', 'c1', 'c2', 'c4']);
  });

  it('when a stale position names another command (the ring emptied and reused it), then fail() leaves that command alone', () => {
    const ring = createCommandRing<Cmd>(4);
    const a = cmd('a');
    const pa = ring.push(a, 100);
    a.isResolved = true;
    ring.release();
    const b = cmd('b');
    const pb = ring.push(b, 200);
    expect(pb).toBe(pa); // the emptied ring starts again at the same position
    ring.fail(pa, a);
    expect(names(ring.late(1000))).toEqual(['b']);
  });

  it('when released, then the slots of answered commands no longer hold them (they can be collected)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const ring = createCommandRing<Cmd>(4);
    const refs = ((): WeakRef<Cmd>[] => {
      const answered = [cmd('a'), cmd('b')];
      for (const c of answered) ring.push(c, 100);
      ring.push(cmd('waiting'), 200);
      for (const c of answered) c.isResolved = true;
      ring.release();
      return answered.map((c) => new WeakRef(c));
    })();
    // a WeakRef keeps its target until the current job ends
    await new Promise((r) => setImmediate(r));
    gc();
    expect(refs.map((r) => r.deref())).toEqual([undefined, undefined]);
    expect(ring.size()).toBe(1);
  });

  it('when the capacity is not a power of two, then it refuses', () => {
    expect(() => createCommandRing<Cmd>(6)).toThrow(/power of two/);
    expect(() => createCommandRing<Cmd>(0)).toThrow(/power of two/);
  });
});
