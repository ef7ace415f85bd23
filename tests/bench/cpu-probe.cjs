// Bench-only preload (`node --require ./tests/bench/cpu-probe.cjs <server>`): answers the
// benchmark's IPC messages with this process's CPU time and memory, so the bench can print CPU
// time per request of each server without any debug route in the production code.
// Plain CommonJS on purpose: the API is measured as it ships (the built JavaScript under plain
// node), and a TypeScript preload would need tsx's loader in the measured process.
if (process.send) {
  process.on('message', (msg) => {
    if (msg === 'cpu' || msg === 'gc') {
      // with --expose-gc (experiments only): the live heap rather than garbage awaiting collection
      if (msg === 'gc' && typeof global.gc === 'function') global.gc();
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      process.send({
        cpuMicros: cpu.user + cpu.system,
        systemMicros: cpu.system,
        rss: mem.rss,
        heapTotal: mem.heapTotal,
        heapUsed: mem.heapUsed,
        external: mem.external,
        arrayBuffers: mem.arrayBuffers,
      });
    }
  });
  // the channel must not keep a server alive once it has closed
  if (process.channel) process.channel.unref();
}
