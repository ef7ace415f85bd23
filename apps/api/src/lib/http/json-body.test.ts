import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { jsonBody } from './json-body';

/**
 * jsonBody() reads the plain body itself; body-parser (`express.json` with the same options, run
 * after the same content-type check) is the oracle: the same req.body, or an error of the same
 * type and status, for every body.
 */
function appWith(parsers: RequestHandler[]): express.Express {
  const app = express();
  app.post('/x', ...parsers, (req, res) => void res.json({ body: req.body as unknown, has: 'body' in req }));
  const onError: ErrorRequestHandler = (err: { type?: string; status?: number; message?: string }, _req, res, _next) =>
    void res.status(599).json({ type: err.type ?? null, status: err.status ?? null });
  app.use(onError);
  return app;
}

const lean = appWith(jsonBody());
const oracle = appWith([...jsonBody().slice(0, 1), express.json({ limit: 16 * 1024, strict: false, type: 'application/json' })]);

const CASES: Array<[string, string | Buffer, Record<string, string>]> = [
  ['an object', '{"url":"https://x.com/a/status/1"}', { 'Content-Type': 'application/json' }],
  ['with charset=utf-8', '{"url":"u"}', { 'Content-Type': 'application/json; charset=utf-8' }],
  ['with charset="UTF-8" (quoted, upper case)', '{"url":"u"}', { 'Content-Type': 'application/json; charset="UTF-8"' }],
  ['upper-case type', '{"url":"u"}', { 'Content-Type': 'Application/JSON' }],
  ['a string', '"https://x.com/a/status/1"', { 'Content-Type': 'application/json' }],
  ['a number', '42', { 'Content-Type': 'application/json' }],
  ['null', 'null', { 'Content-Type': 'application/json' }],
  ['an array', '[1,2]', { 'Content-Type': 'application/json' }],
  ['empty, Content-Length 0', '', { 'Content-Type': 'application/json' }],
  ['whitespace only', '  \n ', { 'Content-Type': 'application/json' }],
  ['a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"url":"u"}')]), { 'Content-Type': 'application/json' }],
  ['invalid JSON', '{"url":', { 'Content-Type': 'application/json' }],
  ['invalid UTF-8 inside a string', Buffer.from([0x22, 0xff, 0xfe, 0x22]), { 'Content-Type': 'application/json' }],
  ['exactly 16 KB', JSON.stringify({ url: 'x'.repeat(16 * 1024 - 10) }), { 'Content-Type': 'application/json' }],
  ['one byte over 16 KB', JSON.stringify({ url: 'x'.repeat(16 * 1024 - 9) }), { 'Content-Type': 'application/json' }],
  ['charset latin1', '{"url":"u"}', { 'Content-Type': 'application/json; charset=latin1' }],
  ['charset utf-16', '{"url":"u"}', { 'Content-Type': 'application/json; charset=utf-16' }],
  ['identity Content-Encoding', '{"url":"u"}', { 'Content-Type': 'application/json', 'Content-Encoding': 'identity' }],
  ['unknown Content-Encoding', '{"url":"u"}', { 'Content-Type': 'application/json', 'Content-Encoding': 'foo' }],
  ['a vendor JSON type', '{"url":"u"}', { 'Content-Type': 'application/vnd.api+json' }],
  ['text/plain', '{"url":"u"}', { 'Content-Type': 'text/plain' }],
];

describe('jsonBody(): the plain body read without body-parser', () => {
  it.each(CASES)('when the body is %s, then the outcome is body-parser\'s', async (_name, body, headers) => {
    // the bytes as they are (superagent would JSON-encode a Buffer under a JSON content type)
    const send = (app: express.Express) => request(app).post('/x').set(headers).serialize((b: string | Buffer) => b as string).send(body);
    const [mine, theirs] = [await send(lean), await send(oracle)];
    expect({ status: mine.status, body: mine.body as unknown }).toEqual({ status: theirs.status, body: theirs.body as unknown });
  });

  it('when there is no body at all, then req.body is as body-parser leaves it', async () => {
    const [mine, theirs] = [await request(lean).post('/x'), await request(oracle).post('/x')];
    expect(mine.body).toEqual(theirs.body);
  });

  it('when the client goes away in the middle of the body, then the request ends as request.aborted and nothing is left waiting', async () => {
    const seen: unknown[] = [];
    const app = express();
    app.post('/x', ...jsonBody(), (_req, res) => void res.json({}));
    app.use(((err: { type?: string }, _req, res, _next) => {
      seen.push(err.type);
      res.status(400).end();
    }) as ErrorRequestHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/x', headers: { 'Content-Type': 'application/json', 'Content-Length': '100' } });
    req.on('error', () => undefined);
    req.write('{"url":');
    await new Promise((r) => setTimeout(r, 100));
    req.destroy();
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => server.close(r));
    expect(seen).toEqual(['request.aborted']);
  });
});
