import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asString, at, findAll, findEach, isRecord, parseJson } from './json-read.ts';

/** The walk findAll did before the keys were looked up member by member: `in` on every object. */
function walkedWithIn(root: unknown, key: string): unknown[] {
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

describe('reading untrusted platform JSON', () => {
  it('answers undefined for text that is not JSON, never throws', () => {
    expect(parseJson('{"a":')).toBeUndefined();
    expect(parseJson('<html>')).toBeUndefined();
    expect(parseJson('null')).toBeNull();
  });

  it('follows keys and indexes, and a missing or wrongly typed step is undefined', () => {
    const value = parseJson('{"data":{"items":[{"id":"a1"}],"count":3}}');
    expect(at(value, 'data', 'items', 0, 'id')).toBe('a1');
    expect(at(value, 'data', 'items', 1, 'id')).toBeUndefined();
    expect(at(value, 'data', 'count', 'x')).toBeUndefined();
    expect(at(value, 'data', 0)).toBeUndefined();
    expect(asString(at(value, 'data', 'count'))).toBeUndefined();
  });

  it('never reads an inherited name as if the document had it', () => {
    expect(at(parseJson('{"a":{}}'), 'a', 'constructor')).toBeUndefined();
    expect(at(parseJson('{"a":{"constructor":"own"}}'), 'a', 'constructor')).toBe('own');
  });

  it('finds every value under a key, anywhere in the tree, an object before what it holds', () => {
    const tree = parseJson('{"label":"0","x":{"label":"1"},"list":[{"label":"2"},{"deep":{"label":"3"}}]}');
    expect(findAll(tree, 'label')).toEqual(['0', '1', '2', '3']);
  });

  it('finds several keys in one walk exactly as the walk with `in` found each', () => {
    const keys = ['label', 'x', '2', 'constructor', '__proto__'] as const;
    const key = fc.constantFrom('label', 'x', 'y', '2', '10', 'constructor', '__proto__');
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
        fc.array(tie('tree'), { maxLength: 4 }),
        // Through JSON.parse, as the collectors' trees are made (duplicate keys and "__proto__" included).
        fc
          .array(fc.tuple(key, tie('tree')), { maxLength: 5 })
          .map((members) =>
            JSON.parse(`{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`),
          ),
      ),
    }));
    fc.assert(
      fc.property(tree, (root) => {
        const found = findEach(root, keys);
        for (const k of keys) {
          expect(found[k]).toEqual(walkedWithIn(root, k));
          expect(findAll(root, k)).toEqual(walkedWithIn(root, k));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
