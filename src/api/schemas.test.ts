import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parseVideoUrl } from '../platforms/parse-video-url.ts';
import { trackBody, trackRequest } from './schemas.ts';
import { validate } from './validation.ts';

/** The zod types that turn a value into another (a transform, or a pipe that carries one), anywhere inside. */
function transformsIn(schema: z.core.$ZodType, seen = new Set<unknown>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const found = def.type === 'transform' || def.type === 'pipe' ? [def.type] : [];
  for (const value of Object.values(def)) {
    const children =
      value && typeof value === 'object' && !('_zod' in value) ? Object.values(value) : [value];
    for (const child of children) {
      if (child && typeof child === 'object' && '_zod' in child) {
        found.push(...transformsIn(child as z.core.$ZodType, seen));
      }
    }
  }
  return found;
}

const LINK = 'https://www.tiktok.com/@bench/video/7301234567890123456';

describe('POST /videos/track’s body', () => {
  // A zod transform on a request's path leads V8 to pretenure allocation sites, after which every request's
  // short-lived objects die in the old generation: the track's server CPU per request fell by a sixth when the
  // link's parse left its transform (docs/benchmarks.md). Tags and metadata, sent by some tracks only, still use them.
  it('checks the fields every track sends without a transform', () => {
    const { shape } = trackBody;
    expect(transformsIn(trackBody)).not.toEqual([]); // the walk finds the optional tags' transforms
    expect(transformsIn(shape.video_link)).toEqual([]);
    expect(transformsIn(shape.duration_days)).toEqual([]);
    expect(trackBody._zod.def.type).toBe('object');
  });

  it('reads a checked body as the link submitted and as parsed', () => {
    const checked = validate(trackBody, { video_link: ` ${LINK}`, duration_days: 7 });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(trackRequest(checked.value)).toEqual({
      video_link: ` ${LINK}`,
      duration_days: 7,
      parsedLink: parseVideoUrl(LINK),
      tags: undefined,
      metadata: undefined,
    });
  });

  it('never answers a link with another link’s parse, and answers a link read twice in a row with one parse', () => {
    const other = 'https://youtu.be/dQw4w9WgXcQ';
    const first = validate(trackBody, { video_link: LINK, duration_days: 1 });
    const second = validate(trackBody, { video_link: other, duration_days: 1 });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    // The second body's check came last: the first body, read now, is parsed afresh.
    expect(trackRequest(first.value).parsedLink).toEqual(parseVideoUrl(LINK));
    expect(trackRequest(second.value).parsedLink).toEqual(parseVideoUrl(other));
    // Read again right after, the same link is answered with the parse kept from the read before.
    const again = validate(trackBody, { video_link: other, duration_days: 2 });
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(trackRequest(again.value).parsedLink).toBe(trackRequest(second.value).parsedLink);
  });

  it('names a link of no supported form beside the other bad fields, with the parser’s message', () => {
    const checked = validate(trackBody, { video_link: 'https://example.com/x', duration_days: 0 });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    const unsupported = parseVideoUrl('https://example.com/x');
    expect(unsupported.kind).toBe('invalid');
    expect(checked.error.issues).toEqual([
      { field: 'video_link', message: unsupported.kind === 'invalid' ? unsupported.message : '' },
      { field: 'duration_days', message: 'duration_days must be an integer between 1 and 30' },
    ]);
  });
});
