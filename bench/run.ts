// `npm run bench`: every benchmark, measured in one run on this machine, as ratios to a baseline of the same run.
// BENCH_ONLY=http,engine,disk,platforms,realpath,export,rollup,webhooks,prune,start,fleet picks sections.
import { benchDisk } from './disk.ts';
import { benchEngine } from './engine.ts';
import { benchExport } from './export.ts';
import { benchFleet } from './fleet.ts';
import { benchHttp } from './http.ts';
import { benchPlatforms } from './platforms.ts';
import { benchPrune } from './prune.ts';
import { benchRealpath } from './realpath.ts';
import { benchRollup } from './rollup.ts';
import { benchStart } from './start.ts';
import { benchWebhooks } from './webhooks.ts';

const sections: Record<string, (report: (line: string) => void) => Promise<void>> = {
  http: benchHttp,
  engine: benchEngine,
  disk: benchDisk,
  platforms: benchPlatforms,
  realpath: benchRealpath,
  export: benchExport,
  rollup: benchRollup,
  webhooks: benchWebhooks,
  prune: benchPrune,
  start: benchStart,
  fleet: benchFleet,
};
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
for (const [name, run] of Object.entries(sections)) {
  if (only && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  await run((line) => console.log(line));
}
