// Request shapes: what each route validates (through registerRoute) and the OpenAPI document shows. The
// response shapes are in contract/components.ts.
import { z } from 'zod';
import { PLAN_NAMES } from '../billing/plans.ts';
import { EXPORT_FORMATS } from '../exports/formats.ts';
import { MAX_URL_LENGTH, parseVideoUrl } from '../platforms/parse-video-url.ts';
import { PLATFORMS, type UrlParse } from '../platforms/types.ts';
import { MODES, VIDEO_STATUSES } from '../store/schema.ts';
import { checkWebhookUrl, MAX_WEBHOOK_URL_LENGTH, type WebhookUrlPolicy } from '../webhooks/endpoint-url.ts';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/event-types.ts';

const integerMessage = (field: string, min: number, max: number) =>
  `${field} must be an integer between ${min} and ${max}`;

// ---- Building blocks: each rule about a kind of input lives here once ----

/**
 * Text is kept as given, except what PostgreSQL's text cannot hold as given, which both databases refuse alike:
 * NUL, and a lone UTF-16 surrogate (PostgreSQL would store U+FFFD in its place, SQLite the surrogate).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const withoutNul = (field: string) =>
  z.superRefine<string>((text, context) => {
    if (text.includes('\u0000')) {
      context.addIssue({ code: 'custom', message: `${field} must not contain NUL characters` });
    } else if (LONE_SURROGATE.test(text)) {
      context.addIssue({
        code: 'custom',
        message: `${field} must be well-formed Unicode (no lone surrogate)`,
      });
    }
  });

const freeText = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .max(max, `${field} must be at most ${max} characters`)
    .check(withoutNul(field));

/** Every id and cursor the service hands out is printable ASCII: anything else can never name a row. */
const PRINTABLE_ASCII = /^[!-~]+$/;

const idParam = z
  .string()
  .min(1)
  .max(64, 'must be at most 64 characters')
  .regex(PRINTABLE_ASCII, 'must be an id returned by the API');

/**
 * `parseVideoUrl(link)`, keeping the last link parsed and its parse: a track's body link is checked (videoLink)
 * and then read for the tracking (trackRequest) in the same turn, so one parse serves both (1.2 µs of a
 * track's ~65). A parse depends on the string alone and nobody changes one (UrlParse is read-only), so the
 * kept one is what a new parse would be.
 */
let lastParsed: { link: string; parse: UrlParse } | undefined;
function parseVideoUrlCached(link: string): UrlParse {
  if (lastParsed?.link !== link) lastParsed = { link, parse: parseVideoUrl(link) };
  return lastParsed.parse;
}

/**
 * A video link that the parser accepts, checked here so that a link of no supported form is reported beside
 * every other bad field. The parser refuses control characters and anything that is not a platform's video
 * link. A check, not a transform: the link stays the string as submitted, and trackRequest reads its parse
 * (parseVideoUrlCached keeps the one the check made). A zod transform on a request's path costs the whole
 * process under V8's default settings (which tests, and programs embedding the service, run with; the
 * contentstats process turns pretenuring off, cli/v8-settings.ts): its objects lead V8 to pretenure allocation
 * sites, so every request's short-lived objects then die in the old generation: POST /videos/track's server
 * CPU per request fell by a sixth when the link's parse left the transform it had been put in (bisected to
 * that commit; docs/benchmarks.md).
 */
const videoLink = z
  .string({
    error: (issue) => (issue.input === undefined ? 'video_link is required' : 'video_link must be a string'),
  })
  .max(MAX_URL_LENGTH, `video_link must be at most ${MAX_URL_LENGTH} characters`)
  .check((ctx) => {
    const parsed = parseVideoUrlCached(ctx.value);
    if (parsed.kind === 'invalid')
      ctx.issues.push({ code: 'custom', message: parsed.message, input: ctx.value });
  });

// ---- Tags and metadata (campaigns) ----

export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 64;
export const MAX_METADATA_KEYS = 20;
export const MAX_METADATA_KEY_LENGTH = 40;
export const MAX_METADATA_VALUE_LENGTH = 500;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** A tag: trimmed, 1–64 characters, no control characters (so it fits a CSV cell and a URL path alike). */
const tag = z
  .string({ error: 'a tag must be a string' })
  .transform((given) => given.trim())
  .pipe(
    z
      .string()
      .min(1, 'a tag must not be empty')
      .max(MAX_TAG_LENGTH, `a tag must be at most ${MAX_TAG_LENGTH} characters`)
      .refine((text) => !CONTROL_CHARACTERS.test(text), 'a tag must not contain control characters')
      .check(withoutNul('a tag')),
  );

/**
 * Up to 10 tags, compared case-insensitively: a later spelling of a tag already given is dropped, so each
 * tag keeps the spelling it was first given in.
 */
export const tagList = z
  .array(tag, { error: 'tags must be an array of strings' })
  .max(MAX_TAGS, `tags must hold at most ${MAX_TAGS} tags`)
  .transform(withoutCaseDuplicates)
  .describe(
    `Up to ${MAX_TAGS} labels of 1–${MAX_TAG_LENGTH} characters (trimmed), compared case-insensitively`,
  );

export function withoutCaseDuplicates(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const given of tags) {
    const key = given.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(given);
  }
  return kept;
}

/**
 * Up to 20 keys of 1–40 characters, each to a string of at most 500. Read key by key from the object as sent
 * (into an object without a prototype), so a key such as `__proto__` is kept as data like any other.
 */
export const metadataObject = z
  .custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'metadata must be an object of string values',
  )
  .meta({
    type: 'object',
    maxProperties: MAX_METADATA_KEYS,
    additionalProperties: { type: 'string', maxLength: MAX_METADATA_VALUE_LENGTH },
  })
  .transform((given, ctx) => {
    const entries = Object.entries(given);
    if (entries.length > MAX_METADATA_KEYS) {
      ctx.issues.push({
        code: 'custom',
        message: `metadata must hold at most ${MAX_METADATA_KEYS} keys`,
        input: given,
      });
      return z.NEVER;
    }
    const kept: Record<string, string> = Object.create(null);
    for (const [key, value] of entries) {
      const problem = metadataKeyProblem(key) ?? metadataValueProblem(value);
      if (problem) {
        ctx.issues.push({ code: 'custom', message: problem, path: [key], input: value });
        continue;
      }
      kept[key] = value as string;
    }
    return kept;
  })
  .describe(
    `Up to ${MAX_METADATA_KEYS} keys of 1–${MAX_METADATA_KEY_LENGTH} characters, each to a string of at most ` +
      `${MAX_METADATA_VALUE_LENGTH} characters`,
  );

function metadataKeyProblem(key: string): string | undefined {
  if (key.length === 0 || key.length > MAX_METADATA_KEY_LENGTH) {
    return `a metadata key must be 1–${MAX_METADATA_KEY_LENGTH} characters`;
  }
  if (CONTROL_CHARACTERS.test(key) || LONE_SURROGATE.test(key)) {
    return 'a metadata key must not contain control characters or lone surrogates';
  }
  return undefined;
}

function metadataValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'a metadata value must be a string';
  if (value.length > MAX_METADATA_VALUE_LENGTH) {
    return `a metadata value must be at most ${MAX_METADATA_VALUE_LENGTH} characters`;
  }
  if (value.includes('\u0000')) return 'a metadata value must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'a metadata value must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

// ---- Requests ----

const trackFields = {
  video_link: videoLink.describe('A TikTok, YouTube, Instagram or X video link'),
  duration_days: z
    .number({
      error: (issue) =>
        issue.input === undefined ? 'duration_days is required' : integerMessage('duration_days', 1, 30),
    })
    .int(integerMessage('duration_days', 1, 30))
    .min(1, integerMessage('duration_days', 1, 30))
    .max(30, integerMessage('duration_days', 1, 30))
    .describe('How many days to track (1–30); one snapshot per interval (hourly)'),
  tags: tagList.optional(),
  metadata: metadataObject.optional(),
};

type TrackFields = z.output<z.ZodObject<typeof trackFields>>;

/** A checked track body as the tracking needs it: the link as submitted and as parsed. */
export function trackRequest({ video_link, duration_days, tags, metadata }: TrackFields) {
  return { video_link, duration_days, parsedLink: parseVideoUrlCached(video_link), tags, metadata };
}

/** POST /videos/track's body: the fields as given (trackRequest reads them), no transform (see videoLink). */
export const trackBody = z.object(trackFields);

export const MAX_BATCH_ITEMS = 100;

/**
 * A batch is checked whole: a malformed item (bad link, duration, tags or metadata) is a 400 for the whole
 * batch naming it (`videos[3].video_link`), and nothing is tracked — so one request never half-fails on
 * something the caller could have fixed before sending it. The batch's own `tags` are added to every item's.
 */
export const trackBatchBody = z
  .object({
    videos: z
      .array(z.object(trackFields), {
        error: (issue) => (issue.input === undefined ? 'videos is required' : 'videos must be an array'),
      })
      .min(1, `videos must hold 1–${MAX_BATCH_ITEMS} items`)
      .max(MAX_BATCH_ITEMS, `videos must hold 1–${MAX_BATCH_ITEMS} items`)
      .describe(`1–${MAX_BATCH_ITEMS} videos to track, each as the body of POST /videos/track`),
    tags: tagList.optional().describe('Tags added to every item'),
  })
  .transform(({ videos, tags }, ctx) =>
    videos.map((item, index) => {
      const request = trackRequest(item);
      if (tags === undefined) return request;
      const merged = withoutCaseDuplicates([...(item.tags ?? []), ...tags]);
      if (merged.length > MAX_TAGS) {
        ctx.issues.push({
          code: 'custom',
          message: `with the batch's tags, more than ${MAX_TAGS} tags`,
          path: ['videos', index, 'tags'],
          input: item.tags,
        });
      }
      return { ...request, tags: merged };
    }),
  );

export const patchVideoBody = z
  .object({
    tags: tagList.optional().describe('Replaces all the tags ([] removes them)'),
    metadata: metadataObject.optional().describe('Replaces all the metadata ({} removes it)'),
  })
  .refine((body) => body.tags !== undefined || body.metadata !== undefined, {
    message: 'give tags, metadata or both',
  });

/** A page size in the query: 1–`max`, in decimal digits (no more of them than `max` has). */
const pageLimitParam = (max: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${String(max).length}}$`), integerMessage('limit', 1, max))
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, integerMessage('limit', 1, max));

/** A page of up to 100 (videos, webhook deliveries). */
const limitParam = pageLimitParam(100);

/** A page of up to 1,000 (snapshots of a video, tags). */
const largeLimitParam = pageLimitParam(1000);

/** `tag` given once or repeated (videos carrying all of them): always a list once parsed. */
const tagFilter = z
  .union([z.string(), z.array(z.string())], { error: 'tag must be a tag' })
  .transform((given) => (Array.isArray(given) ? given : [given]))
  .pipe(z.array(tag).max(MAX_TAGS, `at most ${MAX_TAGS} tag filters`));

export const listVideosQuery = z.object({
  platform: z.enum(PLATFORMS, { error: `platform must be one of ${PLATFORMS.join(', ')}` }).optional(),
  status: z.enum(VIDEO_STATUSES, { error: `status must be one of ${VIDEO_STATUSES.join(', ')}` }).optional(),
  limit: limitParam.optional(),
  // Every tracked link parses, so a link that does not could match nothing: it is refused as on track.
  video_link: videoLink.optional(),
  starting_after: idParam.optional(),
  tag: tagFilter
    .optional()
    .describe('Only videos carrying this tag; repeat it for videos carrying all of them'),
});

const isoTime = z.string().datetime({ offset: true, error: 'must be an ISO 8601 time' });

export const snapshotsQuery = z.object({
  since: isoTime.optional(),
  until: isoTime.optional(),
  limit: largeLimitParam.optional(),
  starting_after: z
    .string()
    .max(80, 'starting_after must be at most 80 characters')
    .regex(/^[!-~]+-\d{1,4}$/, 'must be a snapshot_id of this video')
    .optional(),
  format: z.enum(['json', 'csv'], { error: 'format must be json or csv' }).optional(),
  include_missed: z.enum(['true', 'false'], { error: 'include_missed must be true or false' }).optional(),
});

export const exportQuery = z.object({
  video_id: idParam
    .optional()
    .describe("Only this video: one of the account's, in the calling key's mode (else 400 naming video_id)"),
  tag: tagFilter
    .optional()
    .describe('Only videos carrying this tag; repeat it for videos carrying all of them'),
  platform: z.enum(PLATFORMS, { error: `platform must be one of ${PLATFORMS.join(', ')}` }).optional(),
  status: z.enum(VIDEO_STATUSES, { error: `status must be one of ${VIDEO_STATUSES.join(', ')}` }).optional(),
  since: isoTime.optional().describe('Only snapshots taken at or after this time'),
  until: isoTime.optional().describe('Only snapshots taken before this time'),
  format: z
    .enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
    .optional()
    .describe('csv (the default), jsonl or xlsx'),
});

export const createShareLinkBody = z
  .object({
    video_id: idParam.optional().describe('A video of the account (in the mode of the calling key)'),
    tag: tag.optional().describe('A campaign: every video carrying this tag, now and later'),
    expires_at: isoTime.nullable().optional().describe('When the link stops opening; omitted or null: never'),
  })
  .superRefine((body, context) => {
    if ((body.video_id === undefined) === (body.tag === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['video_id'],
        message: 'give exactly one of video_id and tag',
      });
    }
  });

export const videoIdParams = z.object({ id: idParam });

export const tagParams = z.object({ tag: tag.describe('A tag (URL-encoded), compared case-insensitively') });

/** The default and largest page of GET /tags: an account with fewer tags gets them all in one answer. */
export const TAGS_PAGE_LIMIT = 1000;

export const listTagsQuery = z.object({
  limit: largeLimitParam
    .optional()
    .describe(`Tags per page, 1–${TAGS_PAGE_LIMIT} (default ${TAGS_PAGE_LIMIT})`),
  starting_after: tag
    .optional()
    .describe("A tag: the page after it, in the list's order (compared case-insensitively)"),
});

export const createKeyBody = z.object({
  mode: z.enum(MODES, { error: 'mode must be live or test' }).optional(),
  name: freeText('name', 100).nullable().optional(),
});

const usdAmount = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .refine(
      (n) => Number.isFinite(n) && Math.abs(n * 1e6 - Math.round(n * 1e6)) < 1e-6,
      `${field} has more than 6 decimal places`,
    )
    .refine((n) => n >= min && n <= max, `${field} must be between ${min} and ${max}`);

const email = z
  .string({ error: 'email is required' })
  .max(254, 'email must be at most 254 characters')
  .check(withoutNul('email'))
  .email('email must be a valid email address');

export const createAccountBody = z.object({
  email,
  plan: z.enum(PLAN_NAMES, { error: `plan must be one of ${PLAN_NAMES.join(', ')}` }).optional(),
  credit_usd: usdAmount('credit_usd', 0, 1_000_000).optional(),
});

export const creditsBody = z.object({
  amount_usd: usdAmount('amount_usd', -1_000_000, 1_000_000).refine(
    (n) => n !== 0,
    'amount_usd must not be 0',
  ),
  note: freeText('note', 500).nullable().optional(),
});

const optionalLimit = (field: string, max: number) =>
  z
    .number({ error: `${field} must be an integer or null` })
    .int(`${field} must be an integer or null`)
    .min(1, `${field} must be at least 1`)
    .max(max, `${field} must be at most ${max}`)
    .nullable()
    .optional();

export const patchAccountBody = z.object({
  plan: z.enum(PLAN_NAMES, { error: `plan must be one of ${PLAN_NAMES.join(', ')}` }).optional(),
  rate_limit_per_minute: optionalLimit('rate_limit_per_minute', 1_000_000),
  max_active_videos: optionalLimit('max_active_videos', 10_000_000),
  disabled: z.boolean({ error: 'disabled must be true or false' }).optional(),
});

// ---- Webhooks ----

const webhookEvents = z
  .array(
    z.enum(WEBHOOK_EVENT_TYPES, { error: `each event must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }),
    { error: 'events must be a list of event types' },
  )
  .min(1, 'events must not be empty')
  .max(WEBHOOK_EVENT_TYPES.length * 2, 'events lists an event more than twice');

const webhookUrl = z
  .string({ error: (issue) => (issue.input === undefined ? 'url is required' : 'url must be a string') })
  .max(MAX_WEBHOOK_URL_LENGTH, `url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`)
  .check(withoutNul('url'))
  .describe('https:// (http:// only where the operator allows it); no credentials, no IP address');

export const createWebhookBody = z.object({
  url: webhookUrl,
  events: webhookEvents.describe('The event types to receive'),
  description: freeText('description', 500).nullable().optional(),
});

export const patchWebhookBody = z.object({
  url: webhookUrl.optional(),
  events: webhookEvents.optional(),
  description: freeText('description', 500).nullable().optional(),
  disabled: z.boolean({ error: 'disabled must be true or false' }).optional(),
});

/**
 * The webhook bodies as the routes validate them: the url also held to the operator's policy (checkWebhookUrl),
 * so a bad url is named beside every other bad field of the request, not only once the rest is right. (The
 * use case checks it again: it is the rule; this only reports it with the others.)
 */
export function webhookBodiesFor(policy: WebhookUrlPolicy) {
  const url = webhookUrl.superRefine((given, context) => {
    const checked = checkWebhookUrl(given, policy);
    if (!checked.ok) context.addIssue({ code: 'custom', message: checked.error.message });
  });
  return {
    create: createWebhookBody.extend({ url }),
    patch: patchWebhookBody.extend({ url: url.optional() }),
  };
}

export const webhookDeliveryParams = z.object({ id: idParam, delivery_id: idParam });

export const webhookDeliveriesQuery = z.object({
  limit: limitParam.optional(),
  starting_after: idParam.optional().describe('A delivery id: the page after it'),
});

export const balanceAlertBody = z.object({
  threshold_usd: usdAmount('threshold_usd', 0, 1_000_000)
    .nullable()
    .describe('Alert below this available balance; null: one day of current spend'),
});
