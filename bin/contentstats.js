#!/usr/bin/env node
// Runs the compiled code in dist/, which `npm run build` writes (`npm ci` runs it through `prepare`, and
// `npm start` rebuilds first when src/ changed). Development runs the sources: `npm run dev`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('contentstats: dist/ is missing: run `npm run build` first (`npm ci` does it)\n');
  process.exit(2);
}
await import(main.href);
