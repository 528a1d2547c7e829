// Reading a platform's JSON without trusting its shape. Every platform answer is untrusted input: these
// accessors answer `undefined` for a missing or wrongly typed value instead of throwing, so a changed format
// surfaces as a missing field (then a classified failure), never a crash.

export type JsonRecord = Record<string, unknown>;

/** The parsed value, or undefined when `text` is not JSON (JSON itself has no undefined). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function asRecord(value: unknown): JsonRecord | undefined {
  return isRecord(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * `at(data, 'a', 'b', 0)` is `data.a.b[0]`, or undefined when any step is missing. Only own keys are followed:
 * an inherited name such as `constructor` is not in the document.
 */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isRecord(current) || !Object.hasOwn(current, step)) return undefined;
      current = current[step];
    }
    if (current === undefined) return undefined;
  }
  return current;
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
    if (!isRecord(node)) continue;
    if (key in node) found.push(node[key]);
    const children = Object.values(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return found;
}
