// A snapshot names how its counts were read — the provider, and whether the platform only showed them
// rounded — by a small code (migration 010): a handful of such pairs exist, and a name repeated on every row
// cost more than the counts. Codes are added the first time a pair is recorded and never change; each process
// remembers those it has seen committed.
import { preparedQuery } from './prepared.ts';
import { afterCommit, databaseOf, type Tx } from './transaction.ts';

export interface SnapshotSource {
  provider: string;
  approximate: boolean;
}

const sourceKey = (source: SnapshotSource): string => `${source.approximate ? 1 : 0}${source.provider}`;

/** Per database: the codes of the pairs committed there that this process has used. */
const knownCodes = new WeakMap<object, Map<string, number>>();

const findCode = preparedQuery((tx, provider: string, approximate: number) =>
  tx.db
    .selectFrom('snapshot_sources')
    .select('code')
    .where('provider', '=', provider)
    .where('approximate', '=', approximate),
);

const addSource = preparedQuery((tx, provider: string, approximate: number) =>
  tx.db
    .insertInto('snapshot_sources')
    .values({ provider, approximate })
    .onConflict((oc) => oc.columns(['provider', 'approximate']).doNothing()),
);

/** The code of each source (by sourceKey), adding those never recorded before, in the caller's transaction. */
export async function snapshotSourceCodes(
  tx: Tx,
  sources: Iterable<SnapshotSource>,
): Promise<(source: SnapshotSource) => number> {
  const database = databaseOf(tx);
  let known = knownCodes.get(database);
  if (!known) {
    known = new Map();
    knownCodes.set(database, known);
  }
  const codes = new Map<string, number>();
  for (const source of sources) {
    const key = sourceKey(source);
    if (codes.has(key)) continue;
    const cached = known.get(key);
    if (cached !== undefined) {
      codes.set(key, cached);
      continue;
    }
    const approximate = source.approximate ? 1 : 0;
    let found = await findCode(tx, source.provider, approximate);
    if (found.length === 0) {
      // Another process may add the same pair meanwhile: the insert then does nothing and the read finds theirs.
      await addSource(tx, source.provider, approximate);
      found = await findCode(tx, source.provider, approximate);
    }
    const code = Number(found[0]!.code);
    codes.set(key, code);
    // Remembered only once committed: a rolled-back code may be given to another pair.
    const remember = known;
    afterCommit(tx, () => remember.set(key, code));
  }
  return (source) => codes.get(sourceKey(source))!;
}
