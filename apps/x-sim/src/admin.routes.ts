import express, { type Router } from 'express';
import type { SimContext } from './context';
import { parseFaultSettings } from './fault-settings';
import type { JsonObject } from './json';
import type { SimStats } from './stats';

export function statsOf(ctx: SimContext): SimStats {
  return {
    ...ctx.counters,
    graphqlCallsByTweetId: Object.fromEntries(ctx.counters.graphqlCallsByTweetId),
    hanging: ctx.hanging.size,
    validTokens: ctx.tokens.validCount(),
  };
}

/** Clears counters, faults and tokens, releasing any request the `hang` fault is holding. */
export function resetSim(ctx: SimContext, clearCounters: () => void): void {
  clearCounters();
  ctx.faults.clear();
  ctx.tokens.clear();
  const held = [...ctx.hanging];
  ctx.hanging.clear();
  for (const res of held) res.destroy();
}

export function servedIds(ctx: SimContext): JsonObject[] {
  return [...ctx.fixtures.byId.values()].map((entry) => ({
    id: entry.id,
    origin: entry.origin,
    typename: typeof entry.result?.__typename === 'string' ? entry.result.__typename : null,
    files: entry.files,
    tweetDetail: entry.tweetDetail !== undefined,
    tweetDetailOnly: entry.tweetDetailOnly,
    recordedSyndication: entry.syndication !== undefined,
  }));
}

export function registerAdmin(router: Router, ctx: SimContext, clearCounters: () => void): void {
  const admin = express.Router();
  admin.use(express.json({ limit: '64kb' }));
  admin.get('/stats', (_req, res) => {
    res.json(statsOf(ctx));
  });
  admin.get('/faults', (_req, res) => {
    res.json(ctx.faults.snapshot());
  });
  admin.post('/faults', (req, res) => {
    const parsed = parseFaultSettings(req.body ?? {});
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error });
      return;
    }
    ctx.faults.set(parsed.value);
    res.json(ctx.faults.snapshot());
  });
  admin.delete('/faults', (_req, res) => {
    ctx.faults.clear();
    res.json(ctx.faults.snapshot());
  });
  admin.post('/reset', (_req, res) => {
    resetSim(ctx, clearCounters);
    res.json(statsOf(ctx));
  });
  admin.get('/ids', (_req, res) => {
    res.json(servedIds(ctx));
  });
  router.use('/__sim', admin);
}
