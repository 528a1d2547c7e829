// The V8 settings the contentstats process gives itself before any command runs (src/cli/main.ts), whichever
// command it is: serve and worker are what they are for. The HTTP benchmark's servers apply the same ones.
import { setFlagsFromString } from 'node:v8';

/**
 * Allocation-site pretenuring off. V8 watches the objects each allocation site makes and, when nearly all of
 * them are still alive at a young-generation collection, makes everything that site allocates from then on
 * straight in the old generation, for the rest of the process's life. A busy server's request objects are
 * alive at such moments: a track waits a few milliseconds for its group commit, and during warm-up every
 * request is slow. In about one process start in three (9 of 28 measured), sites on the request's path were
 * switched over this way: their dead objects piled up in the old generation (the heap at 163–176 MB instead
 * of 55 under track load) and every young collection kept alive what they pointed to (3.5–4.5 ms each instead
 * of 0.6), so POST /videos/track cost 88–101 µs of CPU instead of 70–80 until the process restarted. With the setting, 28 of 28 processes measured 70–84 µs; a bare Fastify hello-world's
 * cost did not move (docs/benchmarks.md, "one start in three").
 */
export const CONTENTSTATS_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

/**
 * Applies CONTENTSTATS_V8_FLAGS to this process. V8 reads this one at each garbage collection, so setting it
 * once the modules are loaded, before anything is served, is in time (measured: the same 10 of 10 processes
 * as with the flag on node's command line).
 */
export function applyV8Settings(): void {
  for (const flag of CONTENTSTATS_V8_FLAGS) setFlagsFromString(flag);
}
