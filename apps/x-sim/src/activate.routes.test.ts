import { BEARER, startSim, type Running } from './test-helpers';

describe('POST /1.1/guest/activate.json', () => {
  let running: Running;
  beforeEach(async () => {
    running = await startSim();
  });
  afterEach(() => running.sim.stop());

  const activateWith = (authorization?: string) =>
    fetch(`${running.url}/1.1/guest/activate.json`, {
      method: 'POST',
      headers: authorization ? { authorization } : {},
    });

  it('when the web-app bearer is sent, then it answers a fresh 19-digit guest token', async () => {
    const first = await activateWith(BEARER);
    const second = await activateWith(BEARER);
    expect(first.status).toBe(200);
    const a = (await first.json()) as { guest_token: string };
    const b = (await second.json()) as { guest_token: string };
    expect(a.guest_token).toMatch(/^\d{19}$/);
    expect(b.guest_token).not.toBe(a.guest_token);
    expect(running.sim.stats()).toMatchObject({ activations: 2, validTokens: 2 });
  });

  it.each([
    ['no Authorization header', undefined],
    ['another bearer', 'Bearer AAAAAAAAAAAAAAAAAAAAAIK1zgAAAAAA2tUWuhGZ2JceoId5GwYWU5GspY4'],
    ['the token without "Bearer "', BEARER.slice('Bearer '.length)],
  ])('when %s is sent, then it answers 401 with X error 89 and issues nothing', async (_label, authorization) => {
    const res = await activateWith(authorization);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: [{ code: 89, message: 'Invalid or expired token.' }] });
    expect(running.sim.stats().validTokens).toBe(0);
  });

  it('when activation is called with GET, then it is not found, as on X', async () => {
    const res = await fetch(`${running.url}/1.1/guest/activate.json`, { headers: { authorization: BEARER } });
    expect(res.status).toBe(404);
  });
});
