import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './database.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('the SQLite files hold emails, key hashes and the ledger: only their owner can read them', () => {
  let root: string;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('a new data folder is 0700 and the database, its -wal and -shm files are 0600', async () => {
    root = mkdtempSync(join(tmpdir(), 'contentstats-modes-'));
    const folder = join(root, 'data');
    const path = join(folder, 'contentstats.db');
    store = openStore(`sqlite:${path}`, { backgroundCheckpoints: true });
    await sql`create table notes (body text)`.execute(store.db);
    await sql`insert into notes values ('a@example.com')`.execute(store.db);
    expect(modeOf(folder).toString(8)).toBe('700');
    expect(modeOf(path).toString(8)).toBe('600');
    expect(modeOf(`${path}-wal`).toString(8)).toBe('600');
    expect(modeOf(`${path}-shm`).toString(8)).toBe('600');
  });

  it('files an earlier version left readable to others are made 0600 when the store opens them', async () => {
    root = mkdtempSync(join(tmpdir(), 'contentstats-modes-'));
    const folder = join(root, 'data');
    mkdirSync(folder);
    const path = join(folder, 'contentstats.db');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      closeSync(openSync(file, 'w'));
      chmodSync(file, 0o644);
    }
    store = openStore(`sqlite:${path}`);
    await sql`create table notes (body text)`.execute(store.db);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(modeOf(file).toString(8)).toBe('600');
  });
});
