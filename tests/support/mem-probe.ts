/**
 * Test-only preload (`node --expose-gc --import ./tests/support/mem-probe.ts …`): on SIGUSR2 the
 * server process runs a full garbage collection and prints one line
 * `[mem-probe] {"seq":n,"rss":…,"heapUsed":…,…}` (bytes; seq counts the probes), so a drill can measure memory that is really
 * retained rather than garbage V8 has not collected yet. With MEM_PROBE_SNAPSHOT_DIR set it also
 * writes a heap snapshot there (for finding what is retained when a bound fails).
 * Nothing in the production code knows about it.
 */
import { writeHeapSnapshot } from 'node:v8';

const gc = (globalThis as { gc?: () => void }).gc;
let n = 0;
process.on('SIGUSR2', () => {
  // twice: the first pass may only finalise objects whose memory the second frees
  gc?.();
  gc?.();
  n++;
  const snapshotDir = process.env.MEM_PROBE_SNAPSHOT_DIR;
  if (snapshotDir) writeHeapSnapshot(`${snapshotDir}/server-${process.pid}-${n}.heapsnapshot`);
  const m = process.memoryUsage();
  process.stdout.write(`[mem-probe] ${JSON.stringify({ seq: n, gc: gc !== undefined, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers })}\n`);
});
