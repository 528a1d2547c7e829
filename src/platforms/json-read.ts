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
  return findEach(root, [key])[key] ?? [];
}

/**
 * `findAll` for several keys in one walk of the tree (a page's tree has tens of thousands of nodes): for each
 * key, every value stored under it, in document order — an object's own value before those inside its members,
 * members in the order the object lists them (Object.values).
 */
export function findEach<K extends string>(root: unknown, keys: readonly K[]): Record<K, unknown[]> {
  const found = {} as Record<K, unknown[]>;
  // Own keys are recognised while the members are listed (one lookup per member); a name every object
  // inherits (`constructor`…) is asked of each object with `in`, as findAll always did.
  const own = new Map<string, unknown[]>();
  const inherited: Array<[K, unknown[]]> = [];
  for (const key of keys) {
    const values: unknown[] = [];
    found[key] = values;
    if (key in Object.prototype) inherited.push([key, values]);
    else own.set(key, values);
  }
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const child: unknown = node[i];
        if (typeof child === 'object' && child !== null) stack.push(child);
      }
      continue;
    }
    if (!isRecord(node)) continue;
    for (const [key, values] of inherited) if (key in node) values.push(node[key]);
    // Members in order (for…in lists a parsed object's keys as Object.values does), pushed, then turned
    // around so the first is taken first.
    const firstChild = stack.length;
    for (const key in node) {
      const child = node[key];
      own.get(key)?.push(child);
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
    for (let a = firstChild, b = stack.length - 1; a < b; a++, b--) {
      const swap = stack[a];
      stack[a] = stack[b];
      stack[b] = swap;
    }
  }
  return found;
}
