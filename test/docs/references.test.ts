// Every document the repository points at is in the repository: a person who clones it can follow each
// reference in a code comment or a markdown file. Rules checked here are stated in docs/architecture.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Not ours (dependencies, build output, local data) or not prose (platform payloads captured as fixtures). */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'data', 'coverage', 'dist', '.tmp', 'fixtures']);
const CODE_FILE = /\.(ts|js|mjs|cjs)$/;

function repositoryFiles(directory = ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...repositoryFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Paths ending in `.md` named in a text, web addresses aside (those point outside the repository). */
function markdownPathsIn(text: string): string[] {
  const withoutUrls = text.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
  return [
    ...withoutUrls.matchAll(/(?<![\w./-])((?:\.{1,2}\/)?(?:[\w.-]+\/)*[\w-][\w.-]*\.md)(?![\w-])/g),
  ].map((match) => match[1]!);
}

/** Relative link targets of a markdown file (`[text](target)`), without anchors; web and mail links aside. */
function markdownLinkTargets(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((match) => match[1]!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** A path is followed from the file that names it, or from the repository's root. */
function resolves(path: string, fromFile: string): boolean {
  const clean = path.replace(/^\//, '');
  return existsSync(resolve(dirname(fromFile), path)) || existsSync(resolve(ROOT, clean));
}

/** Lines that cite a numbered invariant or a numbered issue without saying where a reader finds it. */
function unfollowableCitations(text: string): string[] {
  const lines = text.split('\n');
  const problems: string[] = [];
  lines.forEach((line, i) => {
    if (/\bissue\s+#?\d+/i.test(line)) problems.push(`${i + 1}: ${line.trim()}`);
    if (/\binvariants?\s+\d/i.test(line)) {
      // The citation and its document may share the line or sit on the comment's neighbouring lines.
      const around = lines.slice(Math.max(0, i - 2), i + 3).join('\n');
      if (!around.includes('docs/architecture.md')) problems.push(`${i + 1}: ${line.trim()}`);
    }
  });
  return problems;
}

const files = repositoryFiles();
const codeFiles = files.filter((file) => CODE_FILE.test(file));
const markdownFiles = files.filter((file) => file.endsWith('.md'));
const name = (file: string) => relative(ROOT, file);

describe('every document the repository cites is in the repository', () => {
  it('finds the files it checks (the code, the README and docs/)', () => {
    expect(codeFiles.map(name)).toContain('src/scheduler/failure-policy.ts');
    expect(markdownFiles.map(name)).toEqual(expect.arrayContaining(['README.md', 'CHANGELOG.md']));
  });

  it('every .md path named in the code exists in the repository', () => {
    const missing = codeFiles.flatMap((file) =>
      markdownPathsIn(readFileSync(file, 'utf8'))
        .filter((path) => !resolves(path, file))
        .map((path) => `${name(file)} → ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('every .md path and every relative link in the markdown files exists in the repository', () => {
    const missing = markdownFiles.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return [...markdownPathsIn(text), ...markdownLinkTargets(text)]
        .filter((path) => !resolves(path, file))
        .map((path) => `${name(file)} → ${path}`);
    });
    expect(missing).toEqual([]);
  });

  it('the README links to documents in docs/, and each of them exists', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const docsLinks = markdownLinkTargets(readme).filter((target) => target.startsWith('docs/'));
    expect(docsLinks).toEqual(
      expect.arrayContaining(['docs/architecture.md', 'docs/api.md', 'docs/benchmarks.md']),
    );
    expect(docsLinks.filter((target) => !existsSync(join(ROOT, target)))).toEqual([]);
  });

  it('code cites numbered invariants only together with docs/architecture.md, and never a numbered issue', () => {
    const unfollowable = codeFiles.flatMap((file) =>
      unfollowableCitations(readFileSync(file, 'utf8')).map((line) => `${name(file)}:${line}`),
    );
    expect(unfollowable).toEqual([]);
  });
});

describe('the reference finder', () => {
  // Built from parts, so this file does not itself name a missing document.
  const md = (base: string) => `${base}.md`;

  it('finds bare names, paths and relative paths, but not web addresses', () => {
    expect(markdownPathsIn(`see ${md('API')} and ${md('docs/architecture')}, ${md('../x/y')}.`)).toEqual([
      md('API'),
      md('docs/architecture'),
      md('../x/y'),
    ]);
    expect(markdownPathsIn(`https://github.com/o/r/blob/main/${md('README')}`)).toEqual([]);
  });

  it('reads link targets without anchors and skips web links', () => {
    expect(
      markdownLinkTargets(
        `[a](${md('docs/api')}#errors) [b](https://x.io/${md('c')}) [c](#top) [d](src/x.ts)`,
      ),
    ).toEqual([md('docs/api'), 'src/x.ts']);
  });

  it('flags a numbered invariant without its document, and any numbered issue', () => {
    expect(unfollowableCitations('// invariant 2: one snapshot per slot')).toHaveLength(1);
    expect(unfollowableCitations('// invariant 2 in docs/architecture.md')).toEqual([]);
    expect(unfollowableCitations(['// Issue', '3 asked for this'].join(' '))).toHaveLength(1);
    expect(unfollowableCitations('const money = expectInvariants(store);')).toEqual([]);
  });
});
