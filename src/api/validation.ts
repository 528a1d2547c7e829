// Request validation with zod: every issue becomes one `details` entry naming its field.
import type { z } from 'zod';
import { type ApiErrorReply, type FieldIssue, invalidRequest } from './errors.ts';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: ApiErrorReply };

export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  root = 'body',
): Validated<z.infer<S>> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const seen = new Set<string>();
  const details: FieldIssue[] = [];
  for (const issue of parsed.error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : root;
    if (seen.has(field)) continue;
    seen.add(field);
    details.push({ field, message: issue.message });
  }
  return { ok: false, error: invalidRequest(details) };
}
