import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../scheduler/engine.ts';
import { startPassLog } from './pass-log.ts';

const pass = (byPlatform: RunSummary['byPlatform']): RunSummary => ({
  leased: 0,
  fates: { stored: 0, retry: 0, missed: 0, ended: 0, skipped: 0, held_back: 0 },
  latenessMs: [],
  byPlatform,
});

describe("a scheduling process's line a minute", () => {
  it('adds up the passes of the minute by platform, then starts again', () => {
    const lines: Array<{ fields: object; message: string | undefined }> = [];
    const log = {
      info: (fields: object, message?: string) => lines.push({ fields, message }),
      warn() {},
      error() {},
    };
    const passLog = startPassLog(log);
    passLog.add(
      pass({
        youtube: { collected: 5, missed: 0, heldBack: 0 },
        tiktok: { collected: 10, missed: 1, heldBack: 0 },
      }),
    );
    passLog.add(pass({ tiktok: { collected: 2, missed: 0, heldBack: 7 } }));
    passLog.flush();
    expect(lines).toEqual([
      {
        fields: {
          collected: 17,
          missed: 1,
          held_back: 7,
          by_platform: {
            tiktok: { collected: 12, missed: 1, held_back: 7 },
            youtube: { collected: 5, missed: 0, held_back: 0 },
          },
        },
        message: 'last minute: collected 17, missed 1, held back 7 (tiktok 12/1/7, youtube 5/0/0)',
      },
    ]);
    passLog.flush();
    expect(lines).toHaveLength(1); // a minute with nothing due says nothing
    passLog.stop();
  });
});
