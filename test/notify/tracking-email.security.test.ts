import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/stores.ts';
import { createNotifyFixture, type NotifyFixture, outboxRow } from './notify-fixture.ts';
import { queueTrackingEmail, seedAccount, seedCompletedTracking, seedEndedVideo } from './seed.ts';

const HOSTILE_TITLE = '<script>alert("pwned")</script><img src=x onerror=alert(1)> & \'quoted\'';

describe.each(DIALECTS)('what platforms and users put in an email cannot take it over (%s)', (dialect) => {
  let f: NotifyFixture;
  beforeEach(async () => {
    f = await createNotifyFixture(dialect);
  });
  afterEach(() => f.close());

  it('a hostile title, creator and error reason are escaped in the HTML part', async () => {
    const account = await seedAccount(f.store, 'victim@example.com');
    const video = await seedEndedVideo(f.store, account.id, {
      video: {
        title: HOSTILE_TITLE,
        creator: '<b onmouseover="steal()">evil</b>',
        status: 'error',
        error_reason: 'private <iframe src="https://evil.example">',
      },
      snapshots: [{ slot: 0, views: 1n }],
    });
    await queueTrackingEmail(f.store, video, f.clock.now());

    await f.worker().runOnce();

    const mail = f.mailTo('victim@example.com');
    expect(mail.html).not.toMatch(/<script|<img|<b |<iframe/i);
    expect(mail.html).toContain(
      '&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;quoted&#39;',
    );
    expect(mail.html).toContain('&lt;b onmouseover=&quot;steal()&quot;&gt;evil&lt;/b&gt;');
    expect(mail.html).toContain('private &lt;iframe src=&quot;https://evil.example&quot;&gt;');
    // Plain text is not interpreted, so it shows the title as the platform gave it.
    expect(mail.text).toContain(`Video:     ${HOSTILE_TITLE}`);
  });

  it('line breaks in a title cannot add mail headers or recipients', async () => {
    const { account } = await seedCompletedTracking(f.store, 'owner@example.com', {
      title: 'Nice video\r\nBcc: attacker@example.com\r\n\r\n<h1>body</h1>',
    });

    await f.worker().runOnce();

    expect(f.smtp.received).toHaveLength(1);
    expect(f.smtp.received[0]!.rcptTo).toEqual([account.email]);
    const mail = f.mailTo('owner@example.com');
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.subject).toBe('Tracking completed: Nice video Bcc: attacker@example.com <h1>body</h1>');
    expect(mail.text).toContain('Video:     Nice video Bcc: attacker@example.com <h1>body</h1>\n');
  });

  it("an email never describes another account's video", async () => {
    const owner = await seedCompletedTracking(f.store, 'owner@example.com');
    f.smtp.received.length = 0;
    const other = await seedAccount(f.store, 'nosy@example.com');
    // A row of one account naming another account's video: rendered as "not found", never sent.
    await queueTrackingEmail(f.store, { ...owner.video, account_id: other.id }, f.clock.now());
    await f.store.db
      .updateTable('outbox')
      .set({ sent_at: 1 })
      .where('account_id', '=', owner.account.id)
      .execute();

    const summary = await f.worker().runOnce();

    expect(summary).toMatchObject({ sent: 0, gaveUp: 1 });
    expect(f.smtp.received).toHaveLength(0);
    const row = await outboxRow(f.store);
    expect(row.sent_at).toBeNull();
    expect(row.last_error).toBe(`gave up, permanent failure: video ${owner.video.id} not found`);
  });
});
