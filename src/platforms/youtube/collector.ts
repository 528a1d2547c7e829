// The YouTube collector. With YOUTUBE_API_KEY it reads up to 50 videos per Data API call and falls back
// to each video's watch page when the API cannot answer (quota, key, outage, an odd item); without a
// key it reads watch pages only.

import type { HttpClient } from '../../http/types.ts';
import { err } from '../../result.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import { outcomeOf, type RecordAttempt } from '../source-attempts.ts';
import { type CollectFailure, type Collector, type CollectResult, failure, type VideoRef } from '../types.ts';
import {
  DATA_API_MAX_IDS,
  readVideosListResponse,
  type VideosListOutcome,
  videosListUrl,
  YOUTUBE_DATA_API_PROVIDER,
} from './data-api.ts';
import { collectFromWatchPage } from './watch-page-source.ts';

export interface YouTubeCollectorOptions {
  http: HttpClient;
  /** YOUTUBE_API_KEY. Without it only the public watch page is read. */
  apiKey?: string;
  /** Per request. */
  timeoutMs?: number;
  /** How many watch pages are read at once when several videos need one. */
  webConcurrency?: number;
  /**
   * After the Data API reports its quota used up or refuses the key, it is left alone this long and
   * videos go straight to their watch pages (asking again would only spend another failed request).
   */
  apiPauseMs?: number;
  now?: () => number;
  recordAttempt?: RecordAttempt;
}

export const YOUTUBE_WEB_SOURCE = 'youtube-web';

export const DATA_API_HOSTS = ['www.googleapis.com', 'youtube.googleapis.com'] as const;
const DATA_API_MAX_BYTES = 4 * 1024 * 1024;

export function createYouTubeCollector(options: YouTubeCollectorOptions): Collector {
  const { http, apiKey } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const webConcurrency = options.webConcurrency ?? 4;
  const apiPauseMs = options.apiPauseMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  let apiPausedUntilMs = 0;
  let apiPauseReason = '';

  const recordAttempt = options.recordAttempt ?? (() => undefined);
  const fromWatchPage = async (videoId: string, signal?: AbortSignal) => {
    const result = await collectFromWatchPage(videoId, {
      http,
      timeoutMs,
      now,
      ...(signal ? { signal } : {}),
    });
    recordAttempt('youtube', YOUTUBE_WEB_SOURCE, outcomeOf(result));
    return result;
  };

  const callDataApi = (key: string, videoIds: string[], signal?: AbortSignal) =>
    fetchVideosList({ http, timeoutMs }, key, videoIds, signal);

  /** Each id's result from the API, or the reason the  /** Each id's result from the API, or the reason the watch page must be asked instead. */
  async function readThroughDataApi(
    key: string,
    videoIds: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, CollectResult | { fallbackBecause: string }>> {
    const answers = new Map<string, CollectResult | { fallbackBecause: string }>();
    for (let start = 0; start < videoIds.length; start += DATA_API_MAX_IDS) {
      const chunk = videoIds.slice(start, start + DATA_API_MAX_IDS);
      if (now() < apiPausedUntilMs) {
        for (const id of chunk) answers.set(id, { fallbackBecause: `Data API paused: ${apiPauseReason}` });
        continue;
      }
      const outcome = await callDataApi(key, chunk, signal);
      if (!outcome.ok) {
        for (const _ of chunk) recordAttempt('youtube', YOUTUBE_DATA_API_PROVIDER, outcome.error.kind);
        if (outcome.error.kind === 'rate_limited' || outcome.error.kind === 'blocked') {
          apiPausedUntilMs = now() + apiPauseMs;
          apiPauseReason = outcome.error.message;
        }
        for (const id of chunk) answers.set(id, { fallbackBecause: outcome.error.message });
        continue;
      }
      for (const id of chunk) {
        const result = outcome.value.get(id);
        recordAttempt('youtube', YOUTUBE_DATA_API_PROVIDER, result ? outcomeOf(result) : 'format_changed');
        // An item the API returned in a shape we cannot read is retried on the watch page.
        if (!result || (!result.ok && result.error.kind === 'format_changed')) {
          answers.set(id, { fallbackBecause: result && !result.ok ? result.error.message : 'missing' });
        } else {
          answers.set(id, result);
        }
      }
    }
    return answers;
  }

  async function collectAll(refs: readonly VideoRef[], signal?: AbortSignal): Promise<CollectResult[]> {
    const uniqueIds = [...new Set(refs.map((ref) => ref.videoId))];
    const results = new Map<string, CollectResult>();
    let webIds = uniqueIds;
    const fallbackReasons = new Map<string, string>();

    if (apiKey) {
      const answers = await readThroughDataApi(apiKey, uniqueIds, signal);
      webIds = [];
      for (const [id, answer] of answers) {
        if ('fallbackBecause' in answer) {
          webIds.push(id);
          fallbackReasons.set(id, answer.fallbackBecause);
        } else {
          results.set(id, answer);
        }
      }
    }

    const webResults = await mapWithConcurrency(webIds, webConcurrency, (id) => fromWatchPage(id, signal));
    webIds.forEach((id, index) => {
      const result = webResults[index] ?? failure('transient', 'No result');
      const apiReason = fallbackReasons.get(id);
      results.set(id, result.ok || apiReason === undefined ? result : withApiReason(result.error, apiReason));
    });

    return refs.map((ref) => results.get(ref.videoId) ?? failure('transient', 'The video was not collected'));
  }

  return {
    platform: 'youtube',
    batchSize: apiKey ? DATA_API_MAX_IDS : 1,
    async collect(refs, signal) {
      try {
        return await collectAll(refs, signal);
      } catch (error) {
        // Collectors never throw; an unexpected error is a bug, but the scheduler can retry it.
        const message = `YouTube collector failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
        return refs.map(() => failure('transient', message));
      }
    },
  };
}

/** The watch page's failure, saying why the Data API was not used for it. */
function withApiReason(pageFailure: CollectFailure, apiReason: string): CollectResult {
  return err({ ...pageFailure, message: `${pageFailure.message} (Data API: ${apiReason})` });
}

/** One videos.list call for up to 50 ids (the Data API source on its own). */
export async function fetchVideosList(
  options: { http: HttpClient; timeoutMs: number },
  key: string,
  videoIds: string[],
  signal?: AbortSignal,
): Promise<VideosListOutcome> {
  const { http, timeoutMs } = options;
  const result = await http.fetch({
    url: videosListUrl(videoIds, key),
    method: 'GET',
    headers: { Accept: 'application/json' },
    allowedHosts: DATA_API_HOSTS,
    maxRedirects: 0,
    timeoutMs,
    maxBodyBytes: DATA_API_MAX_BYTES,
    ...(signal ? { signal } : {}),
  });
  // The request URL carries the key, so the client's own message is not passed on.
  if (!result.ok) {
    const failure: CollectFailure = {
      kind: 'transient',
      message: `Data API request failed (${result.error.kind})`,
    };
    if (result.error.kind === 'network' || result.error.kind === 'timeout')
      failure.exchange = { failed: result.error.kind, host: DATA_API_HOSTS[0] };
    return err(failure);
  }
  return readVideosListResponse(result.value.status, result.value.body, videoIds);
}
