import { createXSim } from './index';

// The only module that reads the environment: the simulator itself takes options.
const port = Number(process.env.X_SIM_PORT ?? 4100);
const host = process.env.X_SIM_HOST ?? '127.0.0.1';

async function main(): Promise<void> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`X_SIM_PORT must be a port number, got "${process.env.X_SIM_PORT}"`);
  const sim = createXSim();
  const { url } = await sim.start(port, host);
  console.log(`x-sim: simulated X web API listening on ${url} (${sim.ids.all().length} tweet ids)`);
  console.log(`x-sim: point the API at it with X_API_BASE_URL=${url} X_SYNDICATION_BASE_URL=${url}`);
  console.log(`x-sim: faults and stats at ${url}/__sim/faults, ${url}/__sim/stats, ${url}/__sim/reset`);
  void sim.mediaReady().then((state) => {
    console.log(state.ok ? 'x-sim: media files ready' : `x-sim: media host disabled: ${state.reason}`);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`x-sim: ${signal} received, closing`);
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('x-sim: error while closing', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('x-sim: failed to start', err);
  process.exit(1);
});
