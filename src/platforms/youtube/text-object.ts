import { asArray, asRecord, asString } from '../json-read.ts';

/**
 * The text of one of YouTube's text objects: a plain string, `{simpleText}`, `{runs: [{text}…]}` (the
 * runs joined) or the view-model form `{content}`.
 */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const record = asRecord(value);
  if (!record) return undefined;
  if (typeof record.simpleText === 'string') return record.simpleText;
  if (typeof record.content === 'string') return record.content;
  const runs = asArray(record.runs)
    .map((run) => asString(asRecord(run)?.text))
    .filter((text): text is string => text !== undefined);
  return runs.length > 0 ? runs.join('') : undefined;
}
