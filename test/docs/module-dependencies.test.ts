// The direction of dependency between src/ modules, as docs/architecture.md states it, read from the real
// imports of every non-test file: a new import against the direction fails here (or the document changes too).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** What each module may import besides itself (the table "Modules and the direction of dependency"). */
const MAY_IMPORT: Record<string, readonly string[] | 'anything'> = {
  cli: 'anything',
  'compose.ts': [
    'api',
    'exports',
    'scheduler',
    'health',
    'notify',
    'tracking',
    'webhooks',
    'presentation',
    'accounts',
    'billing',
    'platforms',
    'http',
    'observability',
    'store',
    'clock.ts',
    'config.ts',
    'ids.ts',
    'result.ts',
  ],
  api: [
    'exports',
    'notify',
    'health',
    'tracking',
    'webhooks',
    'presentation',
    'accounts',
    'billing',
    'platforms',
    'observability',
    'store',
    'clock.ts',
    'config.ts',
    'ids.ts',
    'result.ts',
  ],
  retention: ['exports', 'webhooks', 'store', 'result.ts'],
  exports: ['store', 'result.ts'],
  scheduler: ['tracking', 'platforms', 'observability', 'store', 'clock.ts', 'result.ts'],
  health: ['notify', 'platforms', 'observability', 'store', 'clock.ts', 'result.ts'],
  notify: ['platforms', 'store', 'clock.ts', 'result.ts'],
  tracking: ['webhooks', 'accounts', 'billing', 'platforms', 'store', 'clock.ts', 'ids.ts', 'result.ts'],
  webhooks: ['presentation', 'billing', 'http', 'store', 'clock.ts', 'ids.ts', 'result.ts'],
  presentation: ['billing', 'store', 'ids.ts'],
  accounts: ['billing', 'store', 'ids.ts', 'result.ts'],
  billing: ['store', 'result.ts'],
  platforms: ['http', 'config.ts', 'clock.ts', 'result.ts'],
  http: ['result.ts'],
  observability: [],
  store: ['ids.ts', 'result.ts'],
  'clock.ts': [],
  'ids.ts': [],
  'config.ts': ['result.ts'],
  'result.ts': [],
};

const FRAMEWORK_FREE = ['tracking', 'billing', 'scheduler', 'platforms'];

function sourceFiles(directory = SRC): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const moduleOf = (pathInSrc: string): string => pathInSrc.split('/')[0]!;

interface Import {
  from: string;
  /** A path inside src/ for our own modules, else the package's name. */
  target: string;
  internal: boolean;
  typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const from = relative(SRC, file);
  return [...text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?\sfrom\s+'([^']+)'/gms)].map((match) => {
    const specifier = match[3]!;
    const internal = specifier.startsWith('.');
    const target = internal ? relative(SRC, resolve(dirname(file), specifier)) : specifier;
    return { from, target, internal, typeOnly: match[2] !== undefined };
  });
}

const files = sourceFiles();
const imports = files.flatMap(importsOf);

describe('modules depend on each other in the documented direction', () => {
  it('knows every module in src/ and reads their imports', () => {
    expect(new Set(files.map((file) => moduleOf(relative(SRC, file))))).toEqual(
      new Set(Object.keys(MAY_IMPORT)),
    );
    expect(imports.filter((i) => i.internal).length).toBeGreaterThan(100);
  });

  it('no module imports one it may not', () => {
    const against = imports
      .filter((i) => i.internal)
      .filter((i) => {
        const source = moduleOf(i.from);
        const target = moduleOf(i.target);
        const allowed = MAY_IMPORT[source];
        if (source === target || allowed === 'anything') return false;
        return !allowed?.includes(target);
      })
      .map((i) => `${i.from} -> ${i.target}`);
    expect(against).toEqual([]);
  });

  it('no file imports itself through others (no import cycles, type-only imports included)', () => {
    const importsByFile = new Map<string, string[]>();
    for (const i of imports.filter((i) => i.internal)) {
      importsByFile.set(i.from, [...(importsByFile.get(i.from) ?? []), i.target]);
    }
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (file: string, path: string[]) => {
      if (path.includes(file)) {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      if (done.has(file)) return;
      for (const target of importsByFile.get(file) ?? []) visit(target, [...path, file]);
      done.add(file);
    };
    for (const file of importsByFile.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('the domain never imports Fastify', () => {
    const framework = imports
      .filter((i) => FRAMEWORK_FREE.includes(moduleOf(i.from)) && /^@?fastify/.test(i.target))
      .map((i) => `${i.from} -> ${i.target}`);
    expect(framework).toEqual([]);
  });
});
