import type { Response } from 'express';
import type { RateWindow } from './guest-tokens';
import type { Json } from './json';

export type BodyFault = { kind: 'html'; status: number } | { kind: 'truncated' };

const bodyFaults = new WeakMap<Response, BodyFault>();

/** Marks a response so that its JSON body is mangled on the way out, whatever the handler says. */
export function markBodyFault(res: Response, fault: BodyFault): void {
  bodyFaults.set(res, fault);
}

// What a CDN or login wall in front of X answers: a real page, not JSON.
const HTML_PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>X</title></head>' +
  '<body><noscript>JavaScript is not available.</noscript><p>Something went wrong, but don’t fret — let’s give it another shot.</p></body></html>';

export function bodyFaultOf(res: Response): BodyFault | undefined {
  return bodyFaults.get(res);
}

export function sendJson(res: Response, status: number, body: Json): void {
  const fault = bodyFaults.get(res);
  if (fault?.kind === 'html') {
    res.status(fault.status).type('text/html; charset=utf-8').send(HTML_PAGE);
    return;
  }
  const text = JSON.stringify(body);
  // A complete HTTP message whose JSON stops half-way, as when an upstream dies mid-body.
  const payload = fault?.kind === 'truncated' ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text;
  res.status(status).type('application/json; charset=utf-8').send(payload);
}

export function setRateHeaders(res: Response, window: RateWindow): void {
  res.setHeader('x-rate-limit-limit', String(window.limit));
  res.setHeader('x-rate-limit-remaining', String(window.remaining));
  res.setHeader('x-rate-limit-reset', String(window.reset));
}
