// Reading YouTube's page JSON without trusting its shape: every accessor answers `undefined` for a
// missing or wrong-typed value instead of throwing.

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonRecord)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `at(data, 'a', 'b', 0)` is `data.a.b[0]`, or undefined when any step is missing. */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = asRecord(current)?.[step];
    if (current === undefined) return undefined;
  }
  return current;
}

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

/** Every value stored under `key`, anywhere in the tree, in document order. */
export function findAll(root: unknown, key: string): unknown[] {
  const found: unknown[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
      continue;
    }
    const record = asRecord(node);
    if (!record) continue;
    if (key in record) found.push(record[key]);
    const children = Object.values(record);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return found;
}
