import { throttledWarn } from '../../apps/api/src/lib/logger/logger';

/** A warning that may fire on every request of an outage: the first at once, then one line per interval. */
describe('throttledWarn', () => {
  it('when failures come faster than the interval, then one line per 10 s is written, carrying how many were left out', () => {
    const lines: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
    let t = 1_000;
    const warn = throttledWarn({ warn: (obj, msg) => lines.push({ obj: obj as Record<string, unknown>, msg }) }, 'degraded', 10_000, () => t);
    warn(new Error('Command timed out after 300 ms'));
    for (let i = 0; i < 4; i++) {
      t += 2_000; // 3000 … 9000: inside the first 10 s
      warn(new Error('again'));
    }
    expect(lines).toEqual([{ obj: { err: 'Command timed out after 300 ms', suppressed: 0 }, msg: 'degraded' }]);
    t = 11_000; // 10 s after the first line
    warn('not an Error');
    expect(lines[1]).toEqual({ obj: { err: 'not an Error', suppressed: 4 }, msg: 'degraded' });
    t = 20_999; // 9.999 s after the second
    warn(new Error('x'));
    expect(lines).toHaveLength(2);
    t = 21_000;
    warn(new Error('y'));
    expect(lines[2]).toEqual({ obj: { err: 'y', suppressed: 1 }, msg: 'degraded' });
  });
});
