// The V8 settings the contentstats process gives itself (src/cli/v8-settings.ts), seen in what V8 does: a probe
// process makes objects at one allocation site that all outlive a few young-generation collections, then makes
// many more and measures where they went.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SETTINGS = fileURLToPath(new URL('../../src/cli/v8-settings.ts', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/**
 * MB the old generation grew by while the probe made 200,000 more objects (~8 MB) at the site. The young
 * generation is fixed at 32 MB a half: V8 decides to pretenure only at collections of a full-sized young
 * generation (whatever size it would pick on this machine), and the 200,000 fit in it without a collection.
 */
function oldGenerationGrowthMb(applySettings: boolean): number {
  const probe = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { applyV8Settings } from ${JSON.stringify(SETTINGS)};
    if (${applySettings}) applyV8Settings();
    const kept = [];
    const make = (i) => ({ a: i, b: i + 1, c: 'x' });
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 20000; i++) kept.push(make(i));
      globalThis.gc({ type: 'minor' });
    }
    const oldSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size;
    const before = oldSpace();
    const more = [];
    for (let i = 0; i < 200000; i++) more.push(make(i));
    process.stdout.write(String((oldSpace() - before) / 1e6));
  `;
  const output = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--expose-gc',
      '--min-semi-space-size=32',
      '--max-semi-space-size=32',
      '--input-type=module',
      '--eval',
      probe,
    ],
    { encoding: 'utf8' },
  );
  return Number(output);
}

describe('the contentstats process’s V8 settings', () => {
  it('keep a busy site’s new objects young, where V8 alone moves them to the old generation for good', () => {
    // Without the settings V8 pretenures the site: the 200,000 objects are made in the old generation. This
    // half shows the probe sees pretenuring at all; should a Node release change that, it fails here.
    expect(oldGenerationGrowthMb(false)).toBeGreaterThan(4);
    expect(oldGenerationGrowthMb(true)).toBeLessThan(2);
  });

  it('are applied by the contentstats process before it runs a command', () => {
    const main = readFileSync(MAIN, 'utf8');
    const applied = main.indexOf('\napplyV8Settings();');
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(main.indexOf('await runCli('));
  });
});
