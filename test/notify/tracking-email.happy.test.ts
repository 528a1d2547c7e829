import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/stores.ts';
import {
  createNotifyFixture,
  MAIL_FROM,
  type NotifyFixture,
  outboxRow,
  PUBLIC_BASE_URL,
} from './notify-fixture.ts';
import { queueTrackingEmail, seedAccount, seedCompletedTracking, seedEndedVideo } from './seed.ts';

describe.each(DIALECTS)('the email of an ended tracking (%s)', (dialect) => {
  let f: NotifyFixture;
  beforeEach(async () => {
    f = await createNotifyFixture(dialect);
  });
  afterEach(() => f.close());

  it("a completed tracking's email reaches the account's address with text and HTML, final counts and growth", async () => {
    const { account, video } = await seedCompletedTracking(f.store, 'ana@example.com');

    const summary = await f.worker().runOnce();

    expect(summary).toEqual({ sent: 1, failed: 0, gaveUp: 0, pending: 0 });
    expect(f.smtp.received).toHaveLength(1);
    expect(f.smtp.received[0]!.rcptTo).toEqual([account.email]);
    expect(f.smtp.received[0]!.mailFrom).toBe('no-reply@stats.example.com');
    const mail = f.mailTo('ana@example.com');
    expect(mail.to).toBe('ana@example.com');
    expect(mail.subject).toBe('Tracking completed: Morning routine');
    expect(mail.headers.get('content-type')).toMatch(/^multipart\/alternative/);

    // First snapshot (slot 0): 1,000,000 views; newest (slot 23): 2,150,000.
    expect(mail.text).toContain('The tracking of this video has finished its 1-day period.');
    expect(mail.text).toContain('Creator:   someone');
    expect(mail.text).toContain('Platform:  TikTok');
    expect(mail.text).toContain(`URL:       ${video.canonical_url}`);
    expect(mail.text).toContain('Snapshots: 23 collected, 1 missed (24 planned)');
    expect(mail.text).toContain('Tracked:   2024-01-29 10:00 UTC to 2024-01-30 10:00 UTC');
    expect(mail.text).toMatch(/Views\s+2,150,000 {3}\+1,150,000 \(\+115\.0%\)/);
    expect(mail.text).toMatch(/Likes\s+43,000 {3}\+23,000 \(\+115\.0%\)/);
    expect(mail.text).toMatch(/Comments\s+530 {3}\+230 \(\+76\.7%\)/);
    expect(mail.text).toMatch(/Shares\s+63 {3}\+23 \(\+57\.5%\)/);
    expect(mail.text).toMatch(/Saves\s+960 {3}\+460 \(\+92\.0%\)/);
    expect(mail.text).toContain(`${PUBLIC_BASE_URL}/api/v1/videos/${video.id}\n`);
    expect(mail.text).toContain(`${PUBLIC_BASE_URL}/api/v1/videos/${video.id}/snapshots?format=csv`);

    expect(mail.html).toContain('<h1 style="font-size:18px">Tracking completed</h1>');
    expect(mail.html).toMatch(
      /<td[^>]*>Views<\/td><td[^>]*>2,150,000<\/td><td[^>]*>\+1,150,000 \(\+115\.0%\)<\/td>/,
    );
    expect(mail.html).toContain(`<a href="${PUBLIC_BASE_URL}/api/v1/videos/${video.id}">`);
    expect(mail.html).toContain(
      `<a href="${PUBLIC_BASE_URL}/api/v1/videos/${video.id}/snapshots?format=csv">`,
    );
    expect(mail.html).toContain(`<a href="${video.canonical_url}">`);

    const row = await outboxRow(f.store);
    expect(row).toMatchObject({ sent_at: f.clock.now(), attempts: 1, last_error: null });
    expect(MAIL_FROM).toContain(f.smtp.received[0]!.mailFrom);
  });

  it('a metric the platform does not expose shows as a dash, never as 0, and counts beyond 2^53 stay exact', async () => {
    const account = await seedAccount(f.store, 'yt@example.com');
    const video = await seedEndedVideo(f.store, account.id, {
      video: {
        platform: 'youtube',
        title: 'Big numbers',
        canonical_url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      },
      snapshots: [
        { slot: 0, views: 9_007_199_254_740_000n, likes: 10n, comments: 0n, shares: null, saves: null },
        { slot: 23, views: 9_007_199_254_740_993n, likes: 12n, comments: 0n, shares: null, saves: null },
      ],
    });
    await queueTrackingEmail(f.store, video, f.clock.now());

    await f.worker().runOnce();

    const mail = f.mailTo('yt@example.com');
    expect(mail.text).toMatch(/Views\s+9,007,199,254,740,993 {3}\+993 \(0\.0%\)/);
    expect(mail.text).toMatch(/Comments\s+0 {3}0\n/);
    expect(mail.text).toMatch(/Shares\s+— {3}—\n/);
    expect(mail.text).toMatch(/Saves\s+— {3}—\n/);
    expect(mail.html).toMatch(/<td[^>]*>Shares<\/td><td[^>]*>—<\/td><td[^>]*>—<\/td>/);
    expect(mail.text).toContain('Platform:  YouTube');
  });

  it('a video that turned private gets a "tracking stopped" email with the reason', async () => {
    const account = await seedAccount(f.store, 'priv@example.com');
    const video = await seedEndedVideo(f.store, account.id, {
      video: { status: 'error', error_reason: 'Video is private', next_slot: 10 },
      snapshots: Array.from({ length: 10 }, (_, slot) => ({ slot, views: BigInt(100 + slot), likes: 5n })),
    });
    await queueTrackingEmail(f.store, video, f.clock.now());

    await f.worker().runOnce();

    const mail = f.mailTo('priv@example.com');
    expect(mail.subject).toBe('Tracking stopped: video is private — Morning routine');
    expect(mail.text).toContain('The platform reports that the video is private, so tracking stopped.');
    expect(mail.text).toContain('Status:    error');
    expect(mail.text).toContain('Reason:    Video is private');
    expect(mail.text).toContain('Deleted:   no');
    expect(mail.text).toContain('Snapshots: 10 collected, 0 missed (24 planned)');
    expect(mail.text).toMatch(/Views\s+109 {3}\+9 \(\+9\.0%\)/);
    expect(mail.html).toContain('Tracking stopped: video is private</h1>');
  });

  it('a deleted video gets an email that says it was deleted', async () => {
    const account = await seedAccount(f.store, 'gone@example.com');
    const video = await seedEndedVideo(f.store, account.id, {
      video: { status: 'error', error_reason: 'Video was deleted', is_deleted: 1, next_slot: 3 },
      snapshots: [
        { slot: 0, views: 1n },
        { slot: 1, missed: true },
        { slot: 2, views: 3n },
      ],
    });
    await queueTrackingEmail(f.store, video, f.clock.now());

    await f.worker().runOnce();

    const mail = f.mailTo('gone@example.com');
    expect(mail.subject).toBe('Tracking stopped: video was deleted — Morning routine');
    expect(mail.text).toContain('Deleted:   yes');
    expect(mail.text).toContain('Reason:    Video was deleted');
    expect(mail.text).toContain('Snapshots: 2 collected, 1 missed (24 planned)');
  });

  it('a video the platform no longer finds gets an email that says so', async () => {
    const account = await seedAccount(f.store, 'lost@example.com');
    const video = await seedEndedVideo(f.store, account.id, {
      video: { status: 'error', error_reason: 'Video not found', next_slot: 1 },
      snapshots: [{ slot: 0, views: 7n }],
    });
    await queueTrackingEmail(f.store, video, f.clock.now());

    await f.worker().runOnce();

    const mail = f.mailTo('lost@example.com');
    expect(mail.subject).toBe('Tracking stopped: video not found — Morning routine');
    expect(mail.text).toContain(
      'The platform reports that the video can no longer be found, so tracking stopped.',
    );
    expect(mail.text).toContain('Deleted:   no');
    // One snapshot: the final counts are the first ones, and nothing grew.
    expect(mail.text).toMatch(/Views\s+7 {3}0 \(0\.0%\)/);
  });

  it('a tracking stopped early by a test key says so and is marked as a test', async () => {
    const { video } = await seedCompletedTracking(f.store, 'early@example.com', {
      mode: 'test',
      next_slot: 12,
      title: null,
    });

    await f.worker().runOnce();

    const mail = f.mailTo('early@example.com');
    expect(mail.subject).toBe(`[test] Tracking completed: TikTok video ${video.platform_video_id}`);
    expect(mail.text).toContain('was stopped before the end of its 1-day period');
    expect(mail.text).toContain('its numbers come from the built-in simulator');
  });
});
