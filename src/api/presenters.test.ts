import { describe, expect, it } from 'vitest';
import type { SnapshotRow } from '../store/snapshots.ts';
import { presentSnapshot } from './presenters.ts';

const row = (changes: Partial<SnapshotRow> = {}): SnapshotRow => ({
  id: 'snp_1',
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
  ...changes,
});

describe('a presented snapshot', () => {
  it('names its slot after the job, gives the time in ISO and the counts as stored', () => {
    expect(presentSnapshot({ job_id: 'job_9' }, row())).toEqual({
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
    const plain = presentSnapshot({ job_id: 'job_9' }, row());
    expect(Object.keys(plain)).not.toContain('missed');
    expect(Object.keys(plain)).not.toContain('approximate');
    expect(presentSnapshot({ job_id: 'job_9' }, row({ missed: 1, views: null }))).toMatchObject({
      missed: true,
      views: null,
    });
    expect(presentSnapshot({ job_id: 'job_9' }, row({ approximate: 1 }))).toMatchObject({
      approximate: true,
    });
    expect(presentSnapshot({ job_id: 'job_9' }, row({ approximate: 1 }))).not.toHaveProperty('missed');
  });
});
