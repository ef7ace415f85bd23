/**
 * A small round-robin HTTP load balancer for the drills, standing in for nginx/HAProxy (not
 * installed here). Like them it has active health checks (GET /readyz every 100 ms; a 503 or no
 * answer takes the instance out of rotation) and passive ones (a connection error takes it out
 * until the next good check), and it retries a request on another instance only when that
 * request cannot have been processed:
 * - the connection was refused (nothing was sent), or
 * - a FRESH connection (the proxy never reuses one) closed before any response byte: the server
 *   shuts down by closing idle connections, and a just-accepted connection whose request was not
 *   yet read counts as idle; a request the server did start is always answered before it closes.
 * Anything else (a timeout, a reset after the response began) is a 502 to the client.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadBalancer {
  url: string;
  /** requests sent again to another instance, by reason */
  retries: Record<string, number>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

export async function startLoadBalancer(upstreams: string[]): Promise<LoadBalancer> {
  const healthy = new Map(upstreams.map((u) => [u, true]));
  const retries: Record<string, number> = {};
  let next = 0;

  const checker = setInterval(() => {
    for (const u of upstreams) {
      const req = http.get(`${u}/readyz`, { agent: false, timeout: 500 }, (res) => {
        res.resume();
        healthy.set(u, res.statusCode === 200);
      });
      req.on('timeout', () => req.destroy(new Error('health check timeout')));
      req.on('error', () => healthy.set(u, false));
    }
  }, 100);

  function pick(exclude: Set<string>): string | undefined {
    for (let i = 0; i < upstreams.length; i++) {
      const u = upstreams[(next + i) % upstreams.length];
      if (u && healthy.get(u) && !exclude.has(u)) {
        next = (next + i + 1) % upstreams.length;
        return u;
      }
    }
    // every healthy one tried: fall back to any not yet tried (health may lag)
    return upstreams.find((u) => !exclude.has(u));
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
      headers['content-length'] = String(body.length);
      const tried = new Set<string>();

      const attempt = () => {
        const target = pick(tried);
        if (!target) {
          res.writeHead(502, { 'content-type': 'text/plain' }).end('no upstream');
          return;
        }
        tried.add(target);
        let answered = false;
        const up = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers, agent: false }, (upRes) => {
          answered = true;
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        });
        up.on('error', (err: NodeJS.ErrnoException) => {
          const code = err.code ?? err.message;
          const notProcessed = !answered && (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'socket hang up');
          if (notProcessed) {
            healthy.set(target, false);
            retries[code] = (retries[code] ?? 0) + 1;
            attempt();
          } else if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(code);
          else res.destroy();
        });
        up.end(body);
      };
      attempt();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    retries,
    async close() {
      clearInterval(checker);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
