import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInFlight } from '../../apps/api/src/lib/http/server';

// Stand-ins for the request/response pair: the list only stores and returns them.
const pair = (n: number) => ({ req: { n } as unknown as IncomingMessage, res: { n } as unknown as ServerResponse });
const names = (list: Array<{ req: IncomingMessage }>) => list.map(({ req }) => (req as unknown as { n: number }).n).sort((a, b) => a - b);

describe('createInFlight() (the requests a drain answers)', () => {
  it('when requests finish in any order, then exactly the unfinished ones are listed', () => {
    const inFlight = createInFlight();
    const entries = [1, 2, 3, 4, 5].map((n) => {
      const { req, res } = pair(n);
      return inFlight.add(req, res);
    });
    expect(inFlight.size()).toBe(5);
    const [e1, e2, , e4, e5] = entries;
    if (!e1 || !e2 || !e4 || !e5) throw new Error('setup');
    inFlight.remove(e2); // from the middle: the last one takes its place
    inFlight.remove(e5); // the one that moved
    expect(names(inFlight.list())).toEqual([1, 3, 4]);
    inFlight.remove(e1);
    inFlight.remove(e4);
    expect(names(inFlight.list())).toEqual([3]);
    expect(inFlight.size()).toBe(1);
  });

  it('when a request is removed twice (close after an error), then no other request is lost', () => {
    const inFlight = createInFlight();
    const a = inFlight.add(pair(1).req, pair(1).res);
    inFlight.add(pair(2).req, pair(2).res);
    inFlight.add(pair(3).req, pair(3).res);
    inFlight.remove(a);
    inFlight.remove(a); // its slot now holds request 3
    expect(names(inFlight.list())).toEqual([2, 3]);
  });

  it('when every request has finished, then nothing is listed (the list holds none of them)', () => {
    const inFlight = createInFlight();
    const entries = Array.from({ length: 100 }, (_, i) => inFlight.add(pair(i).req, pair(i).res));
    for (const e of entries.reverse()) inFlight.remove(e);
    expect(inFlight.size()).toBe(0);
    expect(inFlight.list()).toEqual([]);
  });
});
