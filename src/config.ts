// One typed configuration object, validated from the environment at boot with messages that name the variable.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { err, ok, type Result } from './result.ts';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** An absolute URL with one of `protocols` (e.g. `['http:', 'https:']`). */
const isUrlWith = (value: string, protocols: readonly string[]): boolean => {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

const upstreamsSchema = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a JSON object {"https://real.origin":"http://replacement"}',
      });
      return z.NEVER;
    }
    const map = z.record(z.string().url(), z.string().url()).safeParse(parsed);
    if (!map.success) {
      ctx.addIssue({ code: 'custom', message: 'must map origin URLs to origin URLs' });
      return z.NEVER;
    }
    return map.data;
  });

const booleanFlag = z
  .enum(['true', 'false', ''], { error: 'must be true or false' })
  .default('false')
  .transform((value) => value === 'true');
// X's GraphQL operation ids are 22-ish URL-safe characters; Instagram's document ids are decimal numbers.
const xQueryId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be an operation id like zAz9764BcLZOJ0JU2wrd1A');
const instagramDocId = z.string().regex(/^\d{6,30}$/, 'must be a decimal document id');
const featureFlags = z.record(z.string().regex(/^[a-z0-9_]{1,100}$/), z.boolean());

/** The volatile identifiers an operator may set by hand (PLATFORM_OVERRIDES_FILE's format). */
const overridesFileSchema = z
  .object({
    x: z
      .object({
        tweetResultByRestIdQueryId: xQueryId.optional(),
        features: featureFlags.optional(),
        discovery: z.boolean().optional(),
      })
      .strict()
      .optional(),
    instagram: z
      .object({ postDocId: instagramDocId.optional(), legacyPostDocId: instagramDocId.optional() })
      .strict()
      .optional(),
  })
  .strict();

const optionalJsonFlags = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value.trim() === '') return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of feature flags {"name":true}' });
      return z.NEVER;
    }
    const flags = featureFlags.safeParse(parsed);
    if (!flags.success) {
      ctx.addIssue({ code: 'custom', message: 'must map feature names to true or false' });
      return z.NEVER;
    }
    return flags.data;
  });

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z
    .string()
    .default('0.0.0.0')
    .refine((value) => /^[A-Za-z0-9.:[\]-]+$/.test(value), 'must be a host name or an IP address'),
  DATABASE_URL: z
    .string()
    .default('sqlite:./data/contentstats.db')
    .refine((value) => /^(sqlite:|postgres(ql)?:\/\/)/.test(value), 'must start with sqlite: or postgres://'),
  CONTENTSTATS_ADMIN_TOKEN: optionalString.refine(
    (value) => value === undefined || value.length >= 16,
    'must be at least 16 characters',
  ),
  SNAPSHOT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  COST_PER_SNAPSHOT_USD: z.coerce.number().min(0).max(1000).default(0.015),
  SMTP_URL: optionalString.refine(
    (value) => value === undefined || isUrlWith(value, ['smtp:', 'smtps:']),
    'must be an smtp:// or smtps:// URL',
  ),
  MAIL_FROM: z.string().default('contentstats <no-reply@localhost>'),
  PUBLIC_BASE_URL: optionalString.refine(
    (value) => value === undefined || isUrlWith(value, ['http:', 'https:']),
    'must be an http:// or https:// URL',
  ),
  YOUTUBE_API_KEY: optionalString,
  X_BEARER_TOKEN: optionalString,
  INSTAGRAM_SESSION_ID: optionalString,
  PLATFORM_OVERRIDES_FILE: optionalString,
  X_GRAPHQL_QUERY_ID: optionalString.pipe(xQueryId.optional()),
  X_GRAPHQL_FEATURES: optionalJsonFlags,
  // Empty reads as unset (the overrides file decides, else on).
  X_QUERY_ID_DISCOVERY: z.enum(['on', 'off', '']).optional(),
  INSTAGRAM_POST_DOC_ID: optionalString.pipe(instagramDocId.optional()),
  INSTAGRAM_LEGACY_POST_DOC_ID: optionalString.pipe(instagramDocId.optional()),
  OPERATOR_EMAIL: optionalString.pipe(z.string().email('must be an email address').optional()),
  SOURCE_ALERT_BELOW_PERCENT: z.coerce.number().min(0).max(100).default(50),
  SOURCE_ALERT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  SOURCE_ALERT_MIN_ATTEMPTS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  CONTENTSTATS_PROXY_URLS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .refine(
      (urls) => urls.every((url) => isUrlWith(url, ['http:', 'https:'])),
      'must be comma-separated http:// or https:// proxy URLs',
    ),
  CONTENTSTATS_UPSTREAMS: upstreamsSchema,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SCHEDULER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  SCHEDULER_PLATFORM_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(8),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, context) => {
      const trust = parseTrustProxy(value);
      if (trust === undefined) {
        context.addIssue({
          code: 'custom',
          message:
            'must be false, a number of proxy hops, a comma-separated list of proxy addresses/CIDRs, or true',
        });
        return z.NEVER;
      }
      return trust;
    }),
  UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  WEBHOOK_ALLOW_HTTP: booleanFlag,
  WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanFlag,
});

/** The environment variables the service reads. */
export type ConfigVariable = keyof typeof envSchema.shape;

/**
 * Each variable's default as written in the environment (null: unset) and what it means, for `.env.example`
 * (generated from this table by `npm run env:example`; test/config/env-example.test.ts checks both the file and
 * that each default here is the schema's own) and the README's configuration table.
 */
export const CONFIG_VARIABLES: Record<ConfigVariable, { default: string | null; meaning: string }> = {
  PORT: { default: '3000', meaning: 'port to listen on (workers answer /livez, /readyz and /metrics there)' },
  HOST: { default: '0.0.0.0', meaning: 'address to listen on' },
  DATABASE_URL: {
    default: 'sqlite:./data/contentstats.db',
    meaning: 'sqlite:PATH (one process) or postgres://user:password@host:5432/db (many); migrated at start',
  },
  CONTENTSTATS_ADMIN_TOKEN: {
    default: null,
    meaning: 'enables the operator API at /admin/v1 (16+ characters)',
  },
  SNAPSHOT_INTERVAL_SECONDS: { default: '3600', meaning: 'time between snapshots of a tracked video' },
  COST_PER_SNAPSHOT_USD: {
    default: '0.015',
    meaning: 'price of one snapshot, fixed per tracking when it starts',
  },
  SMTP_URL: {
    default: null,
    meaning: 'smtp://user:pass@mail.example.com:587 for notification emails; unset: they wait in the outbox',
  },
  MAIL_FROM: { default: 'contentstats <no-reply@localhost>', meaning: 'sender of notification emails' },
  PUBLIC_BASE_URL: {
    default: null,
    meaning:
      "the service's public address, for emails' links and the OpenAPI document (unset: http://localhost:PORT)",
  },
  YOUTUBE_API_KEY: {
    default: null,
    meaning: 'use the YouTube Data API (batches of 50) instead of watch pages',
  },
  X_BEARER_TOKEN: {
    default: null,
    meaning: 'use X API v2 (batches of 100) instead of the guest GraphQL path',
  },
  INSTAGRAM_SESSION_ID: {
    default: null,
    meaning: 'an Instagram sessionid cookie, sent with Instagram requests',
  },
  CONTENTSTATS_PROXY_URLS: {
    default: null,
    meaning: 'comma-separated HTTP proxies for platform requests, rotated',
  },
  CONTENTSTATS_UPSTREAMS: {
    default: null,
    meaning: 'tests and staging only: JSON map from a real origin to a replacement origin',
  },
  LOG_LEVEL: { default: 'info', meaning: 'fatal, error, warn, info, debug, trace or silent' },
  SCHEDULER_CONCURRENCY: {
    default: '16',
    meaning: 'collection batches in flight at once per scheduling process',
  },
  SCHEDULER_PLATFORM_CONCURRENCY: {
    default: '8',
    meaning: 'of those, at most this many for one platform (a slow platform cannot take every slot)',
  },
  TRUST_PROXY: {
    default: 'false',
    meaning:
      'behind a reverse proxy: the number of proxies in front (1 for one nginx), or their addresses/CIDRs',
  },
  UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: {
    default: '300',
    meaning: 'requests without a valid key allowed per client address and minute (then 429)',
  },
  HTTP_HEADERS_TIMEOUT_SECONDS: {
    default: '10',
    meaning: "a client must send a request's headers within this (at most the request timeout)",
  },
  HTTP_REQUEST_TIMEOUT_SECONDS: { default: '30', meaning: 'a client must send a whole request within this' },
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: {
    default: '5',
    meaning: "an idle kept-alive connection is closed after this (above a load balancer's idle timeout)",
  },
  PLATFORM_OVERRIDES_FILE: {
    default: null,
    meaning:
      'a JSON file of volatile platform ids set by hand (format in the README, "When a platform changes")',
  },
  X_GRAPHQL_QUERY_ID: {
    default: null,
    meaning: "X's TweetResultByRestId operation id, used until discovery finds one (wins over the file)",
  },
  X_GRAPHQL_FEATURES: {
    default: null,
    meaning: 'JSON object of X GraphQL feature flags laid over the built-in ones',
  },
  X_QUERY_ID_DISCOVERY: {
    default: null,
    meaning: "on (the default) or off: off never reads x.com's web bundle for the operation id",
  },
  INSTAGRAM_POST_DOC_ID: {
    default: null,
    meaning: "document id of Instagram's post query (built in when unset)",
  },
  INSTAGRAM_LEGACY_POST_DOC_ID: {
    default: null,
    meaning: "document id of Instagram's older post query (built in when unset)",
  },
  OPERATOR_EMAIL: {
    default: null,
    meaning: 'where source health alerts go (a source failing, then recovered); none are sent without it',
  },
  SOURCE_ALERT_BELOW_PERCENT: {
    default: '50',
    meaning: 'a source with a smaller share of working reads over the window is degraded',
  },
  SOURCE_ALERT_WINDOW_MINUTES: { default: '30', meaning: 'the window the source alert judges' },
  SOURCE_ALERT_MIN_ATTEMPTS: {
    default: '20',
    meaning: 'fewer reads than this in the window never change the alert state',
  },
  WEBHOOK_ALLOW_HTTP: {
    default: 'false',
    meaning: 'true: webhook URLs may be plain http:// (otherwise https:// only)',
  },
  WEBHOOK_ALLOW_PRIVATE_TARGETS: {
    default: 'false',
    meaning: 'true: webhooks may reach loopback and private addresses (self-hosted receivers)',
  },
};

/** Node refuses a headers timeout longer than the request timeout (the headers are part of the request). */
const envSchemaChecked = envSchema.refine(
  (e) => e.HTTP_HEADERS_TIMEOUT_SECONDS <= e.HTTP_REQUEST_TIMEOUT_SECONDS,
  { path: ['HTTP_HEADERS_TIMEOUT_SECONDS'], message: 'must not exceed HTTP_REQUEST_TIMEOUT_SECONDS' },
);

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  adminToken: string | undefined;
  snapshotIntervalSeconds: number;
  costPerSnapshotMicroUsd: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicBaseUrl: string;
  youtubeApiKey: string | undefined;
  xBearerToken: string | undefined;
  instagramSessionId: string | undefined;
  /** Volatile platform identifiers set by hand (PLATFORM_OVERRIDES_FILE, then the variables that win over it). */
  platformOverrides: PlatformOverrides;
  /** Where source health alerts go; none are sent without it. */
  operatorEmail: string | undefined;
  /** A source is degraded when under this share of its attempts (0–1) answered over the window. */
  sourceAlert: { belowShare: number; windowMs: number; minAttempts: number };
  proxyUrls: string[];
  upstreams: Record<string, string>;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  schedulerConcurrency: number;
  /** Of those, the most for one platform. */
  schedulerPlatformConcurrency: number;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  /**
   * Which X-Forwarded-For hops to believe: none (false), the nearest N proxies, the listed proxy addresses, or
   * every hop (true: then any client can choose its own address).
   */
  trustProxy: TrustProxy;
  /** Requests without a valid key admitted (and answered 401) per client address and minute. */
  unauthenticatedRateLimitPerMinute: number;
  /** A client must send a request's headers within this, the whole request within requestTimeoutMs. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Webhook URLs may be plain http:// (otherwise https:// only). */
  webhookAllowHttp: boolean;
  /** Webhooks may reach loopback, private, link-local and metadata addresses (self-hosted setups). */
  webhookAllowPrivateTargets: boolean;
}

/** The configuration, or one message per bad variable, each naming it. */
export type ConfigResult = Result<Config, { kind: 'invalid_config'; problems: string[] }>;

export function loadConfig(env: Record<string, string | undefined> = process.env): ConfigResult {
  const parsed = envSchemaChecked.safeParse(env);
  if (!parsed.success) {
    return err({
      kind: 'invalid_config',
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
  }
  const e = parsed.data;
  const overrides = platformOverrides(e);
  if (!overrides.ok) return overrides;
  return ok({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    adminToken: e.CONTENTSTATS_ADMIN_TOKEN,
    snapshotIntervalSeconds: e.SNAPSHOT_INTERVAL_SECONDS,
    costPerSnapshotMicroUsd: Math.round(e.COST_PER_SNAPSHOT_USD * 1_000_000),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    youtubeApiKey: e.YOUTUBE_API_KEY,
    xBearerToken: e.X_BEARER_TOKEN,
    instagramSessionId: e.INSTAGRAM_SESSION_ID,
    platformOverrides: overrides.value,
    operatorEmail: e.OPERATOR_EMAIL,
    sourceAlert: {
      belowShare: e.SOURCE_ALERT_BELOW_PERCENT / 100,
      windowMs: e.SOURCE_ALERT_WINDOW_MINUTES * 60_000,
      minAttempts: e.SOURCE_ALERT_MIN_ATTEMPTS,
    },
    proxyUrls: e.CONTENTSTATS_PROXY_URLS,
    upstreams: e.CONTENTSTATS_UPSTREAMS,
    logLevel: e.LOG_LEVEL,
    schedulerConcurrency: e.SCHEDULER_CONCURRENCY,
    schedulerPlatformConcurrency: e.SCHEDULER_PLATFORM_CONCURRENCY,
    trustProxy: e.TRUST_PROXY,
    unauthenticatedRateLimitPerMinute: e.UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE,
    headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    webhookAllowHttp: e.WEBHOOK_ALLOW_HTTP,
    webhookAllowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  });
}

/** A config for tests: defaults plus overrides, without reading the process environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const result = loadConfig({ LOG_LEVEL: 'silent', PORT: '0' });
  if (!result.ok) throw new Error(result.error.problems.join('; '));
  return { ...result.value, ...overrides };
}

export interface PlatformOverrides {
  x: {
    /** TweetResultByRestId's operation id, used when discovery is off or finds none. */
    tweetResultByRestIdQueryId?: string;
    /** Feature flags sent with X's GraphQL queries, over the built-in ones. */
    features?: Record<string, boolean>;
    /** Read the current operation id from x.com's web bundle (default true). */
    discovery: boolean;
  };
  instagram: { postDocId?: string; legacyPostDocId?: string };
}

type Env = z.infer<typeof envSchemaChecked>;

/** The overrides file (when named) with the variables laid over it; problems name the variable or the file. */
function platformOverrides(
  e: Env,
): Result<PlatformOverrides, { kind: 'invalid_config'; problems: string[] }> {
  const refuse = (problems: string[]) => err({ kind: 'invalid_config' as const, problems });
  let file: z.infer<typeof overridesFileSchema> = {};
  if (e.PLATFORM_OVERRIDES_FILE !== undefined) {
    let text: string;
    try {
      text = readFileSync(e.PLATFORM_OVERRIDES_FILE, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return refuse([`PLATFORM_OVERRIDES_FILE: cannot read ${e.PLATFORM_OVERRIDES_FILE} (${String(code)})`]);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return refuse([`PLATFORM_OVERRIDES_FILE: ${e.PLATFORM_OVERRIDES_FILE} is not JSON`]);
    }
    const parsed = overridesFileSchema.safeParse(json);
    if (!parsed.success) {
      return refuse(
        parsed.error.issues.map(
          (issue) => `PLATFORM_OVERRIDES_FILE: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
        ),
      );
    }
    file = parsed.data;
  }
  const queryId = e.X_GRAPHQL_QUERY_ID ?? file.x?.tweetResultByRestIdQueryId;
  const features =
    file.x?.features || e.X_GRAPHQL_FEATURES ? { ...file.x?.features, ...e.X_GRAPHQL_FEATURES } : undefined;
  const postDocId = e.INSTAGRAM_POST_DOC_ID ?? file.instagram?.postDocId;
  const legacyPostDocId = e.INSTAGRAM_LEGACY_POST_DOC_ID ?? file.instagram?.legacyPostDocId;
  return ok({
    x: {
      ...(queryId ? { tweetResultByRestIdQueryId: queryId } : {}),
      ...(features ? { features } : {}),
      discovery: e.X_QUERY_ID_DISCOVERY ? e.X_QUERY_ID_DISCOVERY === 'on' : (file.x?.discovery ?? true),
    },
    instagram: {
      ...(postDocId ? { postDocId } : {}),
      ...(legacyPostDocId ? { legacyPostDocId } : {}),
    },
  });
}

export type TrustProxy = boolean | number | string[];

const CIDR_SUFFIX = /^\/(\d{1,3})$/;

/** TRUST_PROXY's value, or undefined when it is none of the accepted forms. */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const trimmed = value.trim();
  if (trimmed === 'false' || trimmed === '') return false;
  if (trimmed === 'true') return true;
  if (/^\d{1,2}$/.test(trimmed)) return Number(trimmed) === 0 ? false : Number(trimmed);
  const addresses = trimmed.split(',').map((part) => part.trim());
  const valid = addresses.every((address) => {
    const slash = address.indexOf('/');
    const ip = slash === -1 ? address : address.slice(0, slash);
    const version = isIP(ip);
    if (version === 0) return false;
    if (slash === -1) return true;
    const bits = CIDR_SUFFIX.exec(address.slice(slash))?.[1];
    return bits !== undefined && Number(bits) <= (version === 4 ? 32 : 128);
  });
  return valid ? addresses : undefined;
}
