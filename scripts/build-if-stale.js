// `npm start` runs this first: it compiles src/ to dist/ when dist/ is missing or older than a source file
// (after a `git pull`, say), so the compiled server never runs yesterday's code. A fresh build costs ~10 s;
// an up-to-date check costs a few milliseconds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'cli', 'main.js');

function newestSourceMs() {
  const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((file) => join(root, file));
  for (const file of readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }))
    if (file.endsWith('.ts') && !file.endsWith('.test.ts')) inputs.push(join(root, 'src', file));
  return Math.max(...inputs.map((file) => statSync(file).mtimeMs));
}

// An installed package holds dist/ and no src/: nothing to rebuild from.
if (existsSync(join(root, 'src')) && (!existsSync(built) || statSync(built).mtimeMs < newestSourceMs())) {
  process.stderr.write('contentstats: src/ changed since the last build: npm run build\n');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
}
