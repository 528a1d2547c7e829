import { describe, expect, it } from 'vitest';
import type { SnapshotRow } from '../store/snapshots.ts';
import { presentSnapshot } from './presenters.ts';

const row = (changes: Partial<SnapshotRow> = {}): SnapshotRow => ({
  video_id: 'vid_1',
  slot: 3,
  taken_at: Date.UTC(2024, 0, 29, 10, 0, 0, 5),
  missed: 0,
  views: '1200',
  likes: '34',
  comments: '5',
  shares: null,
  saves: '0',
  provider: 'simulator',
  approximate: 0,
  charged_micro_usd: 0,
  legacy_id: 'snp_1',
  ...changes,
});
const VIDEO = { id: 'vid_1', job_id: 'job_9' };

describe('a presented snapshot', () => {
  it('names its slot after the job, gives the time in ISO and the counts as stored', () => {
    expect(presentSnapshot(VIDEO, row())).toEqual({
      id: 'snp_1',
      snapshot_id: 'job_9-3',
      snapshot_time: '2024-01-29T10:00:00.005Z',
      views: '1200',
      likes: '34',
      comments: '5',
      shares: null,
      saves: '0',
      provider: 'simulator',
      slot: 3,
    });
  });

  it('says missed or approximate only when it is', () => {
    const plain = presentSnapshot(VIDEO, row());
    expect(Object.keys(plain)).not.toContain('missed');
    expect(Object.keys(plain)).not.toContain('approximate');
    expect(presentSnapshot(VIDEO, row({ missed: 1, views: null }))).toMatchObject({
      missed: true,
      views: null,
    });
    expect(presentSnapshot(VIDEO, row({ approximate: 1 }))).toMatchObject({
      approximate: true,
    });
    expect(presentSnapshot(VIDEO, row({ approximate: 1 }))).not.toHaveProperty('missed');
  });
});

describe('a snapshot id', () => {
  const derived = (videoId: string, slot: number, takenAt: number) =>
    presentSnapshot(
      { id: videoId, job_id: 'job_9' },
      row({ video_id: videoId, slot, taken_at: takenAt, legacy_id: null }),
    ).id;

  it('is the one stored before migration 010 when there is one', () => {
    expect(presentSnapshot(VIDEO, row()).id).toBe('snp_1');
  });

  it('is derived since: the same at every read, begins with its time, 22 characters like a random one', () => {
    const at = Date.UTC(2026, 0, 15, 10, 0, 1, 500);
    const id = derived('vid_0U2kE4siwvaAfGiynrYS6K', 7, at);
    expect(derived('vid_0U2kE4siwvaAfGiynrYS6K', 7, at)).toBe(id);
    expect(id).toMatch(/^snp_[0-9A-Za-z]{22}$/);
    // Time-ordered: a later snapshot's id sorts after.
    expect(derived('vid_0U2kE4siwvaAfGiynrYS6K', 8, at + 3_600_000) > id).toBe(true);
  });

  it('differs between videos and between slots', () => {
    const at = Date.UTC(2026, 0, 15, 10);
    const ids = new Set([
      derived('vid_a', 1, at),
      derived('vid_b', 1, at),
      derived('vid_a', 2, at),
      derived('vid_b', 2, at),
    ]);
    expect(ids.size).toBe(4);
  });
});
