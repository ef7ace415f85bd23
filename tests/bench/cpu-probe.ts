// Bench-only preload (`node --import tsx --import ./tests/bench/cpu-probe.ts <server>`): answers
// the benchmark's IPC messages with this process's CPU time and RSS, so the bench can print CPU
// time per request of each server without any debug route in the production code.
if (process.send) {
  process.on('message', (msg: unknown) => {
    if (msg === 'cpu' || msg === 'gc') {
      // with --expose-gc (experiments only): the live heap rather than garbage awaiting collection
      if (msg === 'gc' && typeof global.gc === 'function') global.gc();
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      process.send?.({ cpuMicros: cpu.user + cpu.system, rss: mem.rss, heapTotal: mem.heapTotal, heapUsed: mem.heapUsed });
    }
  });
  // the channel must not keep a server alive once it has closed
  process.channel?.unref();
}
