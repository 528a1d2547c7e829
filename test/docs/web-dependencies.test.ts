// The dashboard's rules (docs/architecture.md, "The dashboard"): it is a client of the public API only, it
// imports nothing outside web/ but the vendored chart library, and it never parses a value as HTML.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WEB = join(ROOT, 'web');

const files = (folder: string, ending: string): string[] =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith(ending))
    .map((path) => join(folder, path));

const webScripts = files(WEB, '.js');

describe('the dashboard in web/', () => {
  it('has scripts to check', () => {
    expect(webScripts.length).toBeGreaterThan(5);
  });

  it.each(webScripts.map((file) => [file.slice(ROOT.length + 1), file]))(
    '%s imports only files of web/ and the vendored chart library',
    (_name, file) => {
      const text = readFileSync(file, 'utf8');
      const specifiers = [
        ...text.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm),
        ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((match) => match[1]!);
      for (const specifier of specifiers) {
        expect(specifier, specifier).toMatch(/^\.\.?\//);
        const target = resolve(dirname(file), specifier);
        expect(target.startsWith(`${WEB}/`), specifier).toBe(true);
      }
    },
  );

  it('never parses a value as HTML, nor evaluates text as code', () => {
    for (const file of webScripts) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(
        /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval)\b|new Function/,
      );
    }
    const shell = readFileSync(join(WEB, 'index.html'), 'utf8');
    expect(shell).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(shell).not.toMatch(/\son[a-z]+=|\sstyle=|<style/);
  });

  it('reaches the service only through the public API (and a share page, through its own link’s data)', () => {
    for (const file of webScripts) {
      const text = readFileSync(file, 'utf8');
      const allowed = file.endsWith('/share.js') ? /^`\$\{path\}\.json`$/ : /^`\/api\/v1\$\{/;
      for (const call of text.matchAll(/fetch\(\s*([^,)]+)/g)) {
        expect(call[1], `${file}: ${call[0]}`).toMatch(allowed);
      }
    }
  });

  it('is never imported by the server code in src/', () => {
    for (const file of files(join(ROOT, 'src'), '.ts')) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"][^'"]*\/web\//);
    }
  });
});
