/**
 * createHttpServer() has Node create each request and response with the Express app's own
 * prototypes (app.request, app.response), so Express's per-request Object.setPrototypeOf changes
 * nothing (it was a third of a cache hit's CPU: docs/architecture.md, "Fourth pass"). Checked on
 * a real server over real HTTP: the objects are born with those prototypes, keep them through
 * Express, are still Node's IncomingMessage/ServerResponse, and Express works on them as usual.
 */
import http from 'node:http';
import express, { type Express } from 'express';
import { createLogger } from '../logger/logger';
import { bornWith, createHttpServer } from './server';

const logger = createLogger({ level: 'silent' });

interface Seen {
  atArrival: { request: object | null; response: object | null };
  inHandler: { request: object | null; response: object | null };
  instances: { incomingMessage: boolean; serverResponse: boolean };
}

function appRecording(seen: Partial<Seen>): Express {
  const app = express();
  app.use(express.json());
  app.post('/echo/:id', (req, res) => {
    seen.inHandler = { request: Object.getPrototypeOf(req) as object, response: Object.getPrototypeOf(res) as object };
    seen.instances = { incomingMessage: req instanceof http.IncomingMessage, serverResponse: res instanceof http.ServerResponse };
    res.set('X-Seen', 'yes').status(201).json({ id: req.params.id, q: req.query.q, body: req.body as unknown, header: req.get('x-test') ?? null, ip: req.ip });
  });
  return app;
}

async function serve(listener: http.RequestListener & { request?: object; response?: object }) {
  const server = createHttpServer(listener, { requestTimeoutMs: 5_000, headersTimeoutMs: 3_000, logger });
  const port = await server.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, close: () => server.drain(1_000) };
}

describe('createHttpServer(): requests and responses born with the app prototypes', () => {
  it('when an Express app is served, then req/res arrive with app.request/app.response, keep them, and Express answers as usual', async () => {
    const seen: Partial<Seen> = {};
    const app = appRecording(seen);
    // what the server hands over, before Express touches the objects
    const listener = Object.assign(
      (req: http.IncomingMessage, res: http.ServerResponse) => {
        seen.atArrival = { request: Object.getPrototypeOf(req) as object, response: Object.getPrototypeOf(res) as object };
        app(req, res);
      },
      { request: app.request, response: app.response },
    );
    const s = await serve(listener);
    try {
      const res = await fetch(`${s.url}/echo/42?q=x`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'hi' }, body: '{"a":[1,2]}' });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-seen')).toBe('yes');
      expect(await res.json()).toEqual({ id: '42', q: 'x', body: { a: [1, 2] }, header: 'hi', ip: '127.0.0.1' });
      expect(seen.atArrival?.request).toBe(app.request);
      expect(seen.atArrival?.response).toBe(app.response);
      expect(seen.inHandler).toEqual(seen.atArrival);
      expect(seen.instances).toEqual({ incomingMessage: true, serverResponse: true });
    } finally {
      await s.close();
    }
  });

  it('when the listener is not an Express app, then Node’s own IncomingMessage and ServerResponse are used', async () => {
    const protos: object[] = [];
    const s = await serve((req, res) => {
      protos.push(Object.getPrototypeOf(req) as object, Object.getPrototypeOf(res) as object);
      res.end('plain');
    });
    try {
      const res = await fetch(`${s.url}/`);
      expect(await res.text()).toBe('plain');
      expect(protos).toEqual([http.IncomingMessage.prototype, http.ServerResponse.prototype]);
    } finally {
      await s.close();
    }
  });

  it('when a prototype does not inherit from IncomingMessage, then the server is not created', () => {
    const listener = Object.assign((_req: http.IncomingMessage, res: http.ServerResponse) => void res.end(), { request: {}, response: express.response });
    expect(() => createHttpServer(listener, { requestTimeoutMs: 5_000, headersTimeoutMs: 3_000, logger })).toThrow(/does not inherit from IncomingMessage/);
  });

  it('when the base is a plain constructor, then instances are initialised by it and carry the prototype; a class base is left to Node', () => {
    function Counter(this: { n: number }, start: number) {
      this.n = start;
    }
    const proto = Object.create(Counter.prototype as object) as object;
    const Born = bornWith(Counter as unknown as new (start: number) => { n: number }, proto);
    const made = new Born(7);
    expect(made.n).toBe(7);
    expect(Object.getPrototypeOf(made)).toBe(proto);
    class Modern {}
    expect(bornWith(Modern, Object.create(Modern.prototype) as object)).toBe(Modern);
  });
});
