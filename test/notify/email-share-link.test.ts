// The notification email's data links are share links: made with the email row when the tracking ends, valid
// 30 days, opening in a browser or a spreadsheet without a key; the token leaves the outbox once sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../src/clock.ts';
import { createSmtpMailer } from '../../src/notify/mailer.ts';
import { createOutboxWorker } from '../../src/notify/outbox-worker.ts';
import { createTestApi, type TestApi } from '../support/api.ts';
import { csvObjects } from '../support/csv.ts';
import { DIALECTS } from '../support/stores.ts';
import { readMime } from './read-mime.ts';
import { type SmtpTestServer, startSmtpTestServer } from './smtp-test-server.ts';

const START = Date.parse('2024-01-29T10:00:00.000Z');
const DAY = 86_400_000;
const BASE = 'https://stats.example.com';

describe.each(DIALECTS)('the email’s share links (%s)', (dialect) => {
  let api: TestApi;
  let smtp: SmtpTestServer;
  let key: string;

  beforeAll(async () => {
    api = await createTestApi(dialect, { clock: new TestClock(START), config: { publicBaseUrl: BASE } });
    smtp = await startSmtpTestServer();
    key = (await api.createAccount({ email: `share-${dialect}@example.com` })).testKey;
  });
  afterAll(async () => {
    await smtp.stop();
    await api.close();
  });

  it('links a 30-day share link made with the email row, which opens without a key, then expires', async () => {
    const tracked = await api.call('POST', '/api/v1/videos/track', {
      key,
      body: { video_link: 'https://www.tiktok.com/@a/video/7300000000000000017', duration_days: 2 },
    });
    const videoId = tracked.json().id as string;
    expect((await api.call('POST', `/api/v1/videos/${videoId}/stop`, { key })).statusCode).toBe(200);

    // Written together: the outbox row carries the token whose hash the share link holds.
    const outbox = await api.store.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    const payload = JSON.parse(outbox.payload);
    expect(payload).toMatchObject({ event: 'tracking.completed', video_id: videoId });
    const links = (await api.call('GET', '/api/v1/share-links', { key })).json().share_links;
    expect(links).toEqual([
      expect.objectContaining({
        video_id: videoId,
        origin: 'email',
        status: 'active',
        prefix: payload.share_token.slice(0, 10),
        expires_at: new Date(START + 30 * DAY).toISOString(),
      }),
    ]);

    const worker = createOutboxWorker({
      store: api.store,
      clock: api.clock,
      mailer: createSmtpMailer({
        smtpUrl: smtp.url,
        from: 'contentstats <no-reply@example.com>',
        timeoutMs: 2_000,
      }),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      publicBaseUrl: BASE,
    });
    expect(await worker.runOnce()).toMatchObject({ sent: 1 });
    const mail = readMime(smtp.received.at(-1)!.raw);
    const page = `${BASE}/s/${payload.share_token}`;
    expect(mail.text).toContain(`Video page:        ${page}\n`);
    expect(mail.text).toContain(`Snapshots as CSV:  ${page}.csv\n`);
    expect(mail.text).toContain('no API key needed, until 2024-02-28 10:00 UTC');
    expect(mail.text).not.toContain('X-API-Key');
    expect(mail.html).toContain(`<a href="${page}.csv">snapshots as CSV</a>`);

    // The link works as a browser or a spreadsheet opens it, with no header.
    const csv = await api.call('GET', `/s/${payload.share_token}.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csvObjects(csv.body).map((r) => r.video_id)).toEqual([videoId]);
    expect((await api.call('GET', `/s/${payload.share_token}`)).statusCode).toBe(200);

    // Once sent, the outbox keeps no token (only the link's hash remains).
    const sent = await api.store.db.selectFrom('outbox').select('payload').executeTakeFirstOrThrow();
    expect(sent.payload).not.toContain(payload.share_token);
    expect(JSON.parse(sent.payload)).toMatchObject({ event: 'tracking.completed', video_id: videoId });

    api.clock.set(START + 30 * DAY - 1);
    expect((await api.call('GET', `/s/${payload.share_token}.csv`)).statusCode).toBe(200);
    api.clock.set(START + 30 * DAY);
    expect((await api.call('GET', `/s/${payload.share_token}.csv`)).statusCode).toBe(404);
  });
});
