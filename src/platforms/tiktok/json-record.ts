// The rehydration JSON is untrusted input; these narrow `unknown` one field at a time.

export type JsonRecord = Record<string, unknown>;

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const stringField = (record: JsonRecord, name: string): string | null => {
  const value = record[name];
  return typeof value === 'string' ? value : null;
};
