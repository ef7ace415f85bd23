import http from 'node:http';
import net from 'node:net';
import { envelopeProblem } from './envelope';
import type { FuzzRequest, RawRequest } from './fuzz-generator';

/** What one fuzz request got back: its status (null when no HTTP answer) and what is wrong with the answer, if anything. */
export interface FuzzOutcome {
  label: string;
  status: number | null;
  problem: string | null;
}

const ANSWER_TIMEOUT_MS = 10_000;

function judge(label: string, method: string, status: number, type: string | undefined, text: string): FuzzOutcome {
  // Error answers carry the envelope (HEAD answers have no body to carry it).
  return { label, status, problem: status >= 400 && method !== 'HEAD' ? envelopeProblem(type, text) : null };
}

/** Sends a generated HTTP request through the agent and judges the answer. */
export function sendFuzzHttp(base: string, agent: http.Agent, req: FuzzRequest): Promise<FuzzOutcome> {
  return new Promise((resolve) => {
    const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
    const r = http.request(`${base}${req.path}`, { agent, method: req.method, headers });
    const timer = setTimeout(() => r.destroy(new Error('no answer in time')), ANSWER_TIMEOUT_MS);
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve(judge(req.label, req.method, res.statusCode ?? 0, res.headers['content-type'], Buffer.concat(chunks).toString('utf8')));
      });
      res.on('error', () => {
        clearTimeout(timer);
        resolve({ label: req.label, status: res.statusCode ?? 0, problem: 'answer cut off' });
      });
    });
    r.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // The server may close after answering a request whose body it did not read (e.g. 401):
      // a body the client was still writing then fails with EPIPE/ECONNRESET after the answer.
      resolve({ label: req.label, status: null, problem: `client error ${err.code ?? err.message}` });
    });
    r.end(req.body);
  });
}

/** Writes generated raw bytes on a fresh socket and judges whatever HTTP answer comes back. */
export function sendFuzzRaw(port: number, req: RawRequest): Promise<FuzzOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), ANSWER_TIMEOUT_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3}) /.exec(raw);
      if (!m) {
        resolve({ label: req.label, status: null, problem: raw ? `not HTTP: ${raw.slice(0, 60)}` : null });
        return;
      }
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const type = /\r\ncontent-type: ([^\r\n]+)/i.exec(head)?.[1];
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? NaN);
      const body = Buffer.from(rest.join('\r\n\r\n'), 'latin1');
      resolve(judge(req.label, 'RAW', Number(m[1]), type, (Number.isNaN(length) ? body : body.subarray(0, length)).toString('utf8')));
    });
    socket.end(req.bytes);
  });
}
