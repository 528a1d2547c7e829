import { describe, expect, it } from 'vitest';
import { extractAssignedObject } from './embedded-json.ts';

describe('objects assigned in page scripts are found whole', () => {
  it('reads `var name = {…};` followed by more script on the same line', () => {
    const html =
      '<script>var ytInitialPlayerResponse = {"a":{"b":[1,2]}};var meta = document.createElement("meta");</script>';
    expect(extractAssignedObject(html, 'ytInitialPlayerResponse')).toEqual({ a: { b: [1, 2] } });
  });

  it('reads the window["name"] form', () => {
    const html = `<script>window["ytInitialData"] = {"x":1};</script>`;
    expect(extractAssignedObject(html, 'ytInitialData')).toEqual({ x: 1 });
  });

  it('is not fooled by braces and escaped quotes inside strings', () => {
    const html = String.raw`<script>var ytInitialData = {"d":"a } b { \" } c","e":{"f":"\\"}};</script>`;
    expect(extractAssignedObject(html, 'ytInitialData')).toEqual({ d: 'a } b { " } c', e: { f: '\\' } });
  });

  it('skips a mention that is not an assignment of an object', () => {
    const html =
      '<script>if (window.ytInitialData == null) {}; ytInitialData = window.x;</script><script>var ytInitialData = {"ok":true};</script>';
    expect(extractAssignedObject(html, 'ytInitialData')).toEqual({ ok: true });
  });

  it('does not confuse a longer name for the one asked', () => {
    const html = '<script>var ytInitialDataExtra = {"no":1};</script>';
    expect(extractAssignedObject(html, 'ytInitialData')).toBeUndefined();
  });

  it('answers undefined for an object that never closes or is not JSON', () => {
    expect(extractAssignedObject('<script>var ytInitialData = {"a":1', 'ytInitialData')).toBeUndefined();
    expect(
      extractAssignedObject('<script>var ytInitialData = {a:1};</script>', 'ytInitialData'),
    ).toBeUndefined();
  });
});
