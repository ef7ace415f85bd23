import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Empty strings in .env files mean "not set". */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const url = (name: string) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        new URL(v);
        return true;
      } catch {
        return false;
      }
    }, `${name} must be a valid URL`);

const positiveInt = z.coerce.number().int().positive();

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().default('0.0.0.0'),
  /**
   * Which proxies to trust for the client IP and https (Express "trust proxy"): "loopback"
   * (default), a hop count ("1"), "true", or a comma-separated list of addresses/CIDRs.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('loopback')
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  /** Public base URL of this server, used in redirects from Stripe and in the docs' examples. */
  PUBLIC_BASE_URL: optionalString.pipe(url('PUBLIC_BASE_URL').optional()),
  DATABASE_URL: optionalString.pipe(url('DATABASE_URL').optional()),
  REDIS_URL: optionalString.pipe(url('REDIS_URL').optional()),
  /** Prefix of every Redis key this deployment writes (several deployments can share a Redis). */
  REDIS_KEY_PREFIX: z.string().trim().min(1).regex(/^[\w:.-]+$/, 'REDIS_KEY_PREFIX may hold letters, digits, _ : . - only').default('twdown'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  X_API_BASE_URL: url('X_API_BASE_URL').default('https://api.x.com'),
  X_SYNDICATION_BASE_URL: url('X_SYNDICATION_BASE_URL').default('https://cdn.syndication.twimg.com'),
  X_CACHE_TTL_SECONDS: positiveInt.default(300),
  X_CONNECT_TIMEOUT_MS: positiveInt.default(3000),
  X_BODY_TIMEOUT_MS: positiveInt.default(8000),
  X_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Upper bound of one extraction across all upstream attempts and the fallback, ms. */
  X_REQUEST_DEADLINE_MS: positiveInt.default(12_000),
  X_GUEST_TOKEN_TTL_SECONDS: positiveInt.default(3 * 60 * 60),
  /** Circuit breaker: this many upstream failures within the window open it for the cool-down. */
  X_BREAKER_FAILURE_THRESHOLD: positiveInt.default(5),
  X_BREAKER_WINDOW_MS: positiveInt.default(30_000),
  X_BREAKER_COOLDOWN_MS: positiveInt.default(15_000),

  RATE_LIMIT_PER_MINUTE: positiveInt.default(60),
  RATE_LIMIT_PER_HOUR: positiveInt.default(1000),
  RATE_LIMIT_PER_DAY: positiveInt.default(10000),
  /** Seconds an API key and its account status stay cached in-process (changes are also pushed). */
  AUTH_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(30),
  /** Seconds a rotated key keeps working after its replacement is issued. */
  KEY_ROTATION_GRACE_SECONDS: positiveInt.default(24 * 60 * 60),

  SESSION_TTL_SECONDS: positiveInt.default(7 * 24 * 60 * 60),
  /** Use Secure cookies (on unless explicitly disabled; plain-http localhost dev turns it off). */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Dashboard sign-up/login throttle: attempts per email (all IPs: a high ceiling) and per client IP within the window. */
  AUTH_THROTTLE_WINDOW_SECONDS: positiveInt.default(15 * 60),
  AUTH_THROTTLE_PER_EMAIL: positiveInt.default(100),
  AUTH_THROTTLE_PER_IP: positiveInt.default(30),

  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_PRICE_ID: optionalString,
  /** Only for tests/local stand-ins: where the Stripe SDK sends its requests (e.g. http://127.0.0.1:12111). */
  STRIPE_API_BASE_URL: optionalString.pipe(url('STRIPE_API_BASE_URL').optional()),
  /** Hours a past_due subscription keeps premium access. */
  BILLING_PAST_DUE_GRACE_HOURS: z.coerce.number().min(0).default(72),

  // --- Account security (issue 7: email ownership, login throttle, premium prices) ---
  /** SMTP server for account mails (smtp:// or smtps://user:pass@host:port). Unset: mails go to the log. */
  SMTP_URL: optionalString.pipe(url('SMTP_URL').optional()),
  /** Sender of account mails. */
  MAIL_FROM: z.string().trim().min(3).default('twdown <no-reply@localhost>'),
  /** Login throttle: attempts per (client IP, email) pair within the window; the per-email ceiling is AUTH_THROTTLE_PER_EMAIL. */
  AUTH_THROTTLE_PER_IP_EMAIL: positiveInt.default(10),
  /** More prices that grant premium (comma-separated price_... ids), besides STRIPE_PRICE_ID. */
  STRIPE_PRICE_IDS: optionalString.transform((v) => (v ? v.split(',').map((p) => p.trim()).filter(Boolean) : [])),

  // --- Resilience (issue 7): Redis deadlines, HTTP timeouts, draining, abuse limits ---
  /** Deadline of every Redis command, ms; a Redis that stays silent this long counts as down. */
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(300),
  /** Time a client has to send a whole request (headers and body, ≤ 16 KB), ms. */
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(10_000),
  /** Time a client has to send the request headers, ms (≤ HTTP_REQUEST_TIMEOUT_MS). */
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(5_000),
  /** On SIGTERM: the process exits 0 within this, ms; requests still running 1.5 s before its end are answered 503. */
  SHUTDOWN_GRACE_MS: positiveInt.default(10_000),
  /** While the key-invalidation channel is down, cached keys older than this are re-checked in PostgreSQL, seconds. */
  AUTH_CACHE_OUTAGE_TTL_SECONDS: z.coerce.number().int().min(0).default(2),
  /** GET /api/v1/usage calls per key per minute. */
  USAGE_READS_PER_MINUTE: positiveInt.default(30),
  /** Refused API-key requests (unknown/revoked key, or not premium) per client IP per minute. */
  AUTH_FAILURES_PER_IP_PER_MINUTE: positiveInt.default(60),

  // --- Credits (issue 8: ledger, grants, conversion price; modules/credits, docs/billing.md) ---
  /** Credits a premium account receives per paid billing period (and per month of complimentary premium); 0 = none. */
  CREDITS_PER_PERIOD: z.coerce.number().int().min(0).max(1_000_000_000).default(1000),
  /** Credits one conversion costs per started minute of output. */
  CONVERT_CREDIT_COST: z.coerce.number().int().positive().max(1_000_000).default(1),

  // --- Production: workers and metrics (issue 10) ---
  /** API worker processes on this machine (node:cluster); 1 = no cluster. >1 needs DATABASE_URL. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Bearer token for GET /metrics; unset = /metrics is not served (404). */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional()),

  // --- Redis Cluster (issue 10) ---
  /**
   * Seed nodes of a Redis Cluster, "host:port,host:port,…" ([v6]:port for IPv6). When set it is
   * used instead of REDIS_URL and ioredis runs in cluster mode (it discovers the other nodes).
   */
  REDIS_CLUSTER_NODES: optionalString.pipe(
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        const nodes: Array<{ host: string; port: number }> = [];
        for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
          const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(part);
          const port = Number(m?.[3]);
          const host = m?.[1] ?? m?.[2];
          if (!host || !(port >= 1 && port <= 65535)) {
            ctx.addIssue({ code: 'custom', message: `REDIS_CLUSTER_NODES: "${part}" is not host:port` });
            return z.NEVER;
          }
          nodes.push({ host, port });
        }
        if (nodes.length === 0) {
          ctx.addIssue({ code: 'custom', message: 'REDIS_CLUSTER_NODES: no host:port given' });
          return z.NEVER;
        }
        return nodes;
      }),
  ),

  // --- PostgreSQL timeouts (issue 10, fault drill 4) ---
  /** Milliseconds to open a PostgreSQL connection (or wait for a pooled one) before answering 503. */
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt.default(3000),
  /** Milliseconds one query may take before the client gives up and the request answers 503. */
  DATABASE_QUERY_TIMEOUT_MS: positiveInt.default(10_000),

  // --- Media download links and conversion (/download, /convert, /media; issue 8) ---
  /** HMAC secret of our download links (>= 32 chars). Required in production; dev/test make a random one per start. */
  MEDIA_LINK_SECRET: optionalString.pipe(z.string().min(32, 'MEDIA_LINK_SECRET must be at least 32 characters').optional()),
  /** Seconds a download link stays valid. */
  MEDIA_LINK_TTL_SECONDS: positiveInt.default(3600),
  /** Unset = fetch media (and player cards' VMAPs) from X's hosts; set = https://HOST/PATH is fetched from ${X_MEDIA_BASE_URL}/HOST/PATH (the simulator's /media). */
  X_MEDIA_BASE_URL: optionalString.pipe(url('X_MEDIA_BASE_URL').optional()),
  /** Conversions running at once in this process (default: CPU count). */
  CONVERT_CONCURRENCY: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), positiveInt.default(Math.max(1, os.availableParallelism()))),
  /** Conversions that may wait for a free worker in this process; beyond it 503 + Retry-After. */
  CONVERT_QUEUE_SIZE: z.coerce.number().int().min(0).default(4),
  /** Conversions one account may run at once across every instance (Redis); beyond it 429. */
  CONVERT_MAX_PER_ACCOUNT: positiveInt.default(2),
  /** Longest output, in seconds, one conversion may produce. */
  CONVERT_MAX_SECONDS: positiveInt.default(600),
  /** Longest GIF output, in seconds (GIFs grow fast). */
  CONVERT_GIF_MAX_SECONDS: positiveInt.default(30),
  /** ffmpeg and ffprobe executables (Debian's by default). */
  FFMPEG_PATH: z.string().trim().min(1).default('/usr/bin/ffmpeg'),
  FFPROBE_PATH: z.string().trim().min(1).default('/usr/bin/ffprobe'),
});

export type Env = Readonly<z.infer<typeof envSchema>>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse once at boot; every problem is reported, naming the variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  // Embedded mode (no DATABASE_URL) is a single-process demo even under NODE_ENV=production.
  if (parsed.data.NODE_ENV === 'production' && parsed.data.DATABASE_URL !== undefined && parsed.data.MEDIA_LINK_SECRET === undefined) {
    throw new ConfigError(['MEDIA_LINK_SECRET: required in production (download links are signed with it)']);
  }
  return Object.freeze(parsed.data);
}

/** Reads the repository's .env (if any) into process.env; variables already set win. */
export function loadDotEnv(file = path.resolve(__dirname, '../../../../../.env')): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/**
 * Entry points' boot step: .env, then the schema. A bad configuration prints every problem,
 * naming each variable, and exits 1 (never a stack trace).
 */
export function loadEnvOrExit(): Env {
  try {
    loadDotEnv();
    return loadEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
}
