import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { statsOf, resetSim, servedIds } from './admin.routes';
import { buildApp } from './app';
import { REQUIRED_FEATURES } from './constants';
import type { SimContext } from './context';
import { createFaults } from './faults';
import { loadFixtures } from './fixtures';
import { createGuestTokens } from './guest-tokens';
import { DEFAULT_MEDIA_CACHE_DIR, createMediaFiles } from './media';
import { createCounters, resetCounters, type SimStats } from './stats';

export { REQUIRED_FEATURES, WEB_BEARER_TOKEN, syndicationToken } from './constants';
export type { CountedFault, FaultSettings, FaultSnapshot, FaultTarget, RouteKind } from './faults';
export type { SimStats } from './stats';
export { recordedAvailable, recordedAbsentLine, recordedFile, FIXTURES_ENV } from './recorded-fixtures';

export interface XSimOptions {
  /** Added to every simulated route from the start (same as `faults.latency(ms)`). */
  latencyMs?: number;
  /** GraphQL calls per guest token per window (default 150). */
  tokenBudget?: number;
  /** Length of a budget window in seconds (default 900, X's 15 minutes). */
  tokenWindowSeconds?: number;
  /** Guest-token lifetime in seconds (default 10800, the 3 h of X's `gt` cookie). */
  tokenTtlSeconds?: number;
  /** Feature keys that must be present and non-null (default REQUIRED_FEATURES). */
  requiredFeatures?: readonly string[];
  /** Clock in milliseconds used for budgets and token expiry, so tests can move time. */
  now?: () => number;
  /** ffmpeg executable (default `ffmpeg` on PATH). */
  ffmpegPath?: string;
  /** Where generated media files are cached (default `<os.tmpdir()>/twdown-x-sim-media-v1`). */
  mediaCacheDir?: string;
}

export const SYNTHETIC_IDS = {
  protected: '992001',
  nsfwLoggedOut: '992002',
  nsfwNoStatedAge: '992003',
  deletedTombstone: '992004',
  ageRestrictedTombstone: '992005',
  visibilityWrappedVideo: '992006',
  sensitiveNoMedia: '992007',
  video: '992010',
  photoVideoPhoto: '992011',
  sensitiveLinkNoMedia: '992012',
  tweetDetailOnlyVideo: '992013',
  pollVideoCard: '992014',
  unifiedCardVideoCarousel: '992015',
  broadcastCard: '992016',
  audioSpaceCard: '992017',
  retweetOfVideo: '992019',
  interstitialNoMedia: '992020',
  textOnly: '992021',
  /** 40 s video in two renditions (1280x720, 640x360), empty caption. */
  convertTwoRenditions: '993001',
  /** a photo, a 40 s 640x360 video and a GIF, in that order */
  convertPhotoVideoGif: '993002',
} as const;

export function createXSim(options: XSimOptions = {}) {
  const counters = createCounters();
  const fixtures = loadFixtures();
  const ctx: SimContext = {
    fixtures,
    tokens: createGuestTokens({
      budget: options.tokenBudget ?? 150,
      windowSeconds: options.tokenWindowSeconds ?? 900,
      ttlSeconds: options.tokenTtlSeconds ?? 10_800,
      now: options.now ?? Date.now,
    }),
    faults: createFaults(),
    counters,
    requiredFeatures: options.requiredFeatures ?? REQUIRED_FEATURES,
    media: createMediaFiles({
      ffmpegPath: options.ffmpegPath ?? 'ffmpeg',
      cacheDir: options.mediaCacheDir ?? DEFAULT_MEDIA_CACHE_DIR,
    }),
    hanging: new Set(),
  };
  if (options.latencyMs) ctx.faults.latency(options.latencyMs);
  const clearCounters = () => resetCounters(counters);
  const app = buildApp(ctx, clearCounters);
  let server: Server | undefined;
  let url: string | undefined;

  return {
    async start(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
      if (server && url) return { url };
      // Generate media in the background; the media routes wait for it.
      void ctx.media.ready();
      const listening = app.listen(port, host);
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('listening', resolve);
        listening.once('error', reject);
      });
      const address = listening.address() as AddressInfo;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      return { url };
    },
    async stop(): Promise<void> {
      const closing = server;
      server = undefined;
      url = undefined;
      if (!closing) return;
      const held = [...ctx.hanging];
      ctx.hanging.clear();
      for (const res of held) res.destroy();
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      closing.closeAllConnections();
      await closed;
    },
    get url(): string | undefined {
      return url;
    },
    faults: ctx.faults,
    /** Waits for the generated media files; useful before timing media downloads. */
    mediaReady: () => ctx.media.ready(),
    stats(): SimStats {
      return statsOf(ctx);
    },
    reset(): void {
      resetSim(ctx, clearCounters);
    },
    /** Issues a guest token directly, as if activate.json had been called (not counted). */
    issueGuestToken: (): string => ctx.tokens.issue(),
    retireGuestToken: (token: string): boolean => ctx.tokens.retire(token),
    ids: {
      all: (): string[] => [...fixtures.byId.keys()],
      recorded: (): string[] => [...fixtures.byId.values()].filter((e) => e.origin === 'recorded').map((e) => e.id),
      synthetic: SYNTHETIC_IDS,
      describe: () => servedIds(ctx),
    },
    mediaPaths: (): string[] => [...fixtures.mediaPaths],
  };
}

export type XSim = ReturnType<typeof createXSim>;
