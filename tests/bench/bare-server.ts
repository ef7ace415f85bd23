// Baseline for the API benchmark: a bare Express 5 app with the same JSON body parsing and a
// response of the same size as a real POST /api/v1/twitter answer, with no auth, no limits,
// no Redis. Logs the same "listening on" line as the API so the bench starts both alike.
import http from 'node:http';
import express from 'express';

const port = Number(process.env.PORT ?? 0);
const size = Number(process.env.BARE_RESPONSE_BYTES ?? 2000);
const payload = { code: 0, message: 'ok', data: { filler: 'x'.repeat(size) } };
const app = express();
app.use(express.json({ limit: '16kb' }));
app.post('/api/v1/twitter', (_req, res) => {
  res.json(payload);
});
/**
 * BARE_BORN=1: the same app on a server that creates each request and response with Express's
 * prototypes (the API's createHttpServer does it with the same helper), so Express's per-request
 * Object.setPrototypeOf changes nothing: the baseline without that cost, for comparison. The
 * helper is imported only then, so the plain baseline loads nothing of ours.
 */
async function createServer(): Promise<http.Server> {
  if (process.env.BARE_BORN !== '1') return http.createServer(app);
  const { bornWith } = await import('../../apps/api/src/lib/http/server.js');
  return http.createServer(
    {
      IncomingMessage: bornWith<typeof http.IncomingMessage>(http.IncomingMessage, app.request),
      ServerResponse: bornWith<typeof http.ServerResponse>(http.ServerResponse, app.response),
    },
    app,
  );
}

void createServer().then((server) => {
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const p = typeof address === 'object' && address ? address.port : port;
    process.stdout.write(`bare express listening on http://localhost:${p}/api/v1\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
});
