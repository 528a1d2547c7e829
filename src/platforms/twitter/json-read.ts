// Reading X's JSON without trusting its shape: every accessor answers `undefined`/`null` for a missing or
// wrongly typed value instead of throwing, so a changed format surfaces as missing metrics, never a crash.

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export function parseJson(body: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Follows object keys and array indexes; any step that does not exist gives undefined. */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      const record = asRecord(current);
      if (!record || !Object.hasOwn(record, step)) return undefined;
      current = record[step];
    }
  }
  return current;
}

export function asString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
