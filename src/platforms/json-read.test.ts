import { describe, expect, it } from 'vitest';
import { asString, at, findAll, parseJson } from './json-read.ts';

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
});
