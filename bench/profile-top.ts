// The functions that took the most CPU in a V8 profile (node --cpu-prof, e.g. BENCH_REALPATH_PROFILE=dir):
// self time (spent in the function itself) and total time (itself and what it called), as shares of the
// profile's busy samples (idle and the (program)/(garbage collector) pseudo-frames are shown apart).
//
//   node --import tsx bench/profile-top.ts file.cpuprofile [rows]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/profile-top.ts file.cpuprofile [rows]');
const rows = Number(rowsArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const label = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(src|node_modules|bench|test)\//, '$1/')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};

const selfUs = new Map<string, number>();
const totalUs = new Map<string, number>();
let allUs = 0;
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i] ?? 0;
  allUs += us;
  const node = byId.get(id)!;
  const own = label(node);
  selfUs.set(own, (selfUs.get(own) ?? 0) + us);
  // Each function once per sample, however deep the recursion.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    totalUs.set(name, (totalUs.get(name) ?? 0) + us);
  }
});

const idle = selfUs.get('(idle)') ?? 0;
const busy = allUs - idle;
const share = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
console.log(
  `${file}: ${(allUs / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (shares of busy)`,
);
console.log('self');
for (const [name, us] of [...selfUs]
  .filter(([n]) => n !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, rows))
  console.log(`  ${share(us)}  ${name}`);
console.log('total');
for (const [name, us] of [...totalUs]
  .filter(([n]) => n !== '(idle)' && n !== '(root)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, rows))
  console.log(`  ${share(us)}  ${name}`);
