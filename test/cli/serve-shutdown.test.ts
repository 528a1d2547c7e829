// `contentstats serve` on SIGTERM: a request in flight (its platform probe held open) is answered and written,
// then the process closes the database and exits 0.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/accounts/accounts.ts';
import { FIXTURE_VIDEO_ID, loadFixture } from '../../src/platforms/tiktok/fixture-pages.ts';
import { type FakePlatform, fakeReply, startFakePlatform } from '../fake-platform/server.ts';
import { expectInvariants } from '../support/invariants.ts';
import { CONTENTSTATS_BIN, childEnv, freePort } from '../support/processes.ts';
import { createTestStore, DIALECTS, type TestStore } from '../support/stores.ts';

describe.each(DIALECTS)('serve stops gracefully on SIGTERM (%s)', (dialect) => {
  let store: TestStore;
  let fake: FakePlatform;
  let releaseProbe!: () => void;
  const probeHeld = new Promise<void>((resolve) => {
    releaseProbe = resolve;
  });

  beforeAll(async () => {
    store = await createTestStore(dialect);
    const page = loadFixture('video-page');
    fake = await startFakePlatform(async () => {
      await probeHeld;
      return fakeReply.html(page);
    });
  });
  afterAll(async () => {
    releaseProbe();
    await fake.close();
    await store.destroy();
  });

  it('answers the track in flight, writes it, closes the database and exits 0', async () => {
    const created = await createAccount(store, {
      email: 'shutdown@example.com',
      plan: 'free',
      creditMicroUsd: 10_000_000,
      now: Date.now(),
    });
    if (!created.ok) throw new Error('account');
    const port = await freePort();
    const child = spawn(process.execPath, [CONTENTSTATS_BIN, 'serve', '--no-scheduler'], {
      env: childEnv(store, {
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        CONTENTSTATS_UPSTREAMS: JSON.stringify(fake.upstreams(['https://www.tiktok.com'])),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const listening = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('contentstats listening')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    await Promise.race([
      listening,
      exited.then((code) => {
        throw new Error(`serve exited with ${code} before listening:\n${output}`);
      }),
    ]);

    const answer = fetch(`http://127.0.0.1:${port}/api/v1/videos/track`, {
      method: 'POST',
      headers: { 'x-api-key': created.value.liveKey.key, 'content-type': 'application/json' },
      body: JSON.stringify({
        video_link: `https://www.tiktok.com/@marisol.bakes/video/${FIXTURE_VIDEO_ID}`,
        duration_days: 1,
      }),
    });
    await expect.poll(() => fake.requests.length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    await expect.poll(() => output).toContain('SIGTERM: shutting down');
    // Only now does the platform answer the probe of the request in flight.
    releaseProbe();

    const response = await answer;
    expect(response.status).toBe(201);
    const tracked = (await response.json()) as { id: string; snapshots_collected: number };
    expect(tracked.snapshots_collected).toBe(1);
    expect(await exited).toBe(0);
    expect(output).toContain('stopped cleanly');

    // What it answered is what it wrote: the video, its first snapshot and its charge, the money in balance.
    const video = await store.db
      .selectFrom('videos')
      .select(['status', 'snapshots_collected'])
      .where('id', '=', tracked.id)
      .executeTakeFirstOrThrow();
    expect(video).toEqual({ status: 'monitoring', snapshots_collected: 1 });
    await expectInvariants(store, created.value.account.id);
  });
});
