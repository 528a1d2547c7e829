// Request validation with zod: every issue becomes one `details` entry naming its field.
import type { z } from 'zod';
import { err, ok, type Result } from '../result.ts';
import type { FieldIssue } from './errors.ts';

/** Every bad field, each named once (the 400's `details`). */
export type Validated<T> = Result<T, { kind: 'invalid_request'; issues: FieldIssue[] }>;

export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root = 'body',
): Validated<z.infer<S>> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return ok(parsed.data);
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  for (const issue of parsed.error.issues) {
    const field = issue.path.length > 0 ? fieldName(issue.path) : root;
    if (seen.has(field)) continue;
    seen.add(field);
    issues.push({ field, message: issue.message });
  }
  return err({ kind: 'invalid_request', issues });
}

/** A field's path as a reader writes it: `videos[3].video_link`, `metadata.campaign`. */
function fieldName(path: readonly PropertyKey[]): string {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += `[${segment}]`;
    else name += name === '' ? String(segment) : `.${String(segment)}`;
  }
  return name;
}

/**
 * A top-level string field as given, when it passed its own checks (whatever the other fields did): checks
 * that need the database (does this cursor name a video?) then report it beside the other bad fields.
 */
export function wellFormedString(
  validated: Validated<Record<string, unknown>>,
  input: unknown,
  field: string,
): string | undefined {
  const value = validated.ok
    ? validated.value[field]
    : validated.error.issues.some((issue) => issue.field === field)
      ? undefined
      : (input as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value : undefined;
}
