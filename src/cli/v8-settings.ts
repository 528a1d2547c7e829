// The V8 settings the contentstats process gives itself before it serves anything (src/cli/main.ts). The HTTP
// benchmark starts its servers with the same ones (bench/http.ts).
import { setFlagsFromString } from 'node:v8';

/**
 * Allocation-site pretenuring off. V8 watches the objects each allocation site makes and, when nearly all of
 * them are still alive at a young-generation collection, makes everything that site allocates from then on
 * straight in the old generation, for the rest of the process's life. A busy server's request objects are alive
 * at such moments: a track waits a few milliseconds for its group commit, and during warm-up every request is
 * slow. In about one process start in three (9 of 28 measured), sites of Node's HTTP objects, Fastify's and
 * ours were switched over this way: their dead objects piled up in the old generation (the heap at 163–176 MB
 * instead of 55 under track load) and every young collection kept alive what they pointed to (3.5–4.5 ms each
 * instead of 0.6), so POST /videos/track cost 88–101 µs of CPU instead of 70–80 until the process restarted.
 * With the setting, 28 of 28 processes measured 70–84 µs; a bare Fastify hello-world's cost did not move
 * (docs/benchmarks.md, "One start in three").
 */
export const SERVER_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

/** Applies SERVER_V8_FLAGS to this process (they hold from the next garbage collection on). */
export function applyServerV8Flags(): void {
  for (const flag of SERVER_V8_FLAGS) setFlagsFromString(flag);
}
