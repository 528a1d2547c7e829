// Request shapes: what each route validates (through registerRoute) and the OpenAPI document shows. The
// response shapes are in contract/components.ts.
import { z } from 'zod';
import { PLAN_NAMES } from '../billing/plans.ts';
import { MAX_URL_LENGTH, parseVideoUrl } from '../platforms/parse-video-url.ts';
import { PLATFORMS } from '../platforms/types.ts';
import { MODES, VIDEO_STATUSES } from '../store/schema.ts';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhooks/endpoint-url.ts';
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
 * A video link, parsed here so that a link of no supported form is reported beside every other bad field.
 * The parser refuses control characters and anything that is not a platform's video link.
 */
const videoLink = z
  .string({
    error: (issue) => (issue.input === undefined ? 'video_link is required' : 'video_link must be a string'),
  })
  .max(MAX_URL_LENGTH, `video_link must be at most ${MAX_URL_LENGTH} characters`)
  .transform((submitted, ctx) => {
    const parsed = parseVideoUrl(submitted);
    if (parsed.kind !== 'invalid') return { submitted, parsed };
    ctx.issues.push({ code: 'custom', message: parsed.message, input: submitted });
    return z.NEVER;
  });

// ---- Requests ----

export const trackBody = z
  .object({
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
  })
  .transform(({ video_link, duration_days }) => ({
    video_link: video_link.submitted,
    duration_days,
    parsedLink: video_link.parsed,
  }));

const limitParam = z
  .string()
  .regex(/^\d{1,3}$/, integerMessage('limit', 1, 100))
  .transform(Number)
  .refine((n) => n >= 1 && n <= 100, integerMessage('limit', 1, 100));

export const listVideosQuery = z.object({
  platform: z.enum(PLATFORMS, { error: `platform must be one of ${PLATFORMS.join(', ')}` }).optional(),
  status: z.enum(VIDEO_STATUSES, { error: `status must be one of ${VIDEO_STATUSES.join(', ')}` }).optional(),
  limit: limitParam.optional(),
  // Every tracked link parses, so a link that does not could match nothing: it is refused as on track.
  video_link: videoLink.optional(),
  starting_after: idParam.optional(),
});

const isoTime = z.string().datetime({ offset: true, error: 'must be an ISO 8601 time' });

export const snapshotsQuery = z.object({
  since: isoTime.optional(),
  until: isoTime.optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, integerMessage('limit', 1, 1000))
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1000, integerMessage('limit', 1, 1000))
    .optional(),
  starting_after: z
    .string()
    .max(80, 'starting_after must be at most 80 characters')
    .regex(/^[!-~]+-\d{1,4}$/, 'must be a snapshot_id of this video')
    .optional(),
  format: z.enum(['json', 'csv'], { error: 'format must be json or csv' }).optional(),
  include_missed: z.enum(['true', 'false'], { error: 'include_missed must be true or false' }).optional(),
});

export const videoIdParams = z.object({ id: idParam });

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
