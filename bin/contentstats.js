#!/usr/bin/env node
// Runs the compiled code in dist/, which `npm run build` writes (`npm ci` runs it through `prepare`, and
// `npm start` rebuilds first when src/ changed). Development runs the sources: `npm run dev`.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1 and later keep the compiled bytecode of every module on disk (in the system's temporary folder),
// so a restart skips compiling the service and its dependencies again; Node 20 has no such cache.
module.enableCompileCache?.();

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('contentstats: dist/ is missing: run `npm run build` first (`npm ci` does it)\n');
  process.exit(2);
}
await import(main.href);
