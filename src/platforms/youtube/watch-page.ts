// The public watch page, https://www.youtube.com/watch?v=ID, read without an API key. Two script
// assignments matter: `ytInitialPlayerResponse` (playability, videoDetails with the exact view count,
// microformat) and `ytInitialData` (the like button and the comments header).

import { err } from '../../result.ts';
import { asRecord, asString, at } from '../json-read.ts';
import { type CollectResult, failure, type Metrics, success } from '../types.ts';
import { embeddedPage, type PageBody } from './embedded-json.ts';
import {
  readCommentCount,
  readInitialData,
  readLikeCount,
  readViewCountRenderer,
} from './engagement-counts.ts';
import { type ParsedCount, parseDigitString } from './parse-count.ts';
import { classifyPlayability } from './playability.ts';
import { textOf } from './text-object.ts';

export const YOUTUBE_WEB_PROVIDER = 'youtube-web';

/**
 * The "Before you continue to YouTube" interstitial, served in place of the page when the EU cookie-consent
 * question is unanswered, in the language of the visitor's address ("Bevor Sie zu YouTube weitergehen"):
 * recognised by its forms posting the answer to consent.youtube.com/save, not by its wording.
 */
const CONSENT_FORM = /<form\b[^>]*\baction=["']?(?:https:)?\/\/consent\.(?:youtube|google)\.com\/save\b/i;

/**
 * Reads one watch page (status 200) into an observation or a classified failure. Never throws. The page may be
 * its bytes: only the two objects are then decoded, and the whole text only for a page that lacks them.
 */
export function parseWatchPage(page: PageBody, videoId: string): CollectResult {
  const embedded = embeddedPage(page);
  const player = embedded.assignedObject('ytInitialPlayerResponse');
  if (player === undefined) {
    if (CONSENT_FORM.test(embedded.text()))
      return failure('blocked', 'YouTube answered with its cookie-consent page');
    return failure('format_changed', 'The watch page carries no ytInitialPlayerResponse');
  }

  const playability = classifyPlayability(at(player, 'playabilityStatus'));
  const videoDetails = asRecord(at(player, 'videoDetails'));
  const answeredId = asString(videoDetails?.videoId);
  if (answeredId !== undefined && answeredId !== videoId) {
    // YouTube occasionally answers with another video's player response; a retry gets the right one.
    return failure('transient', `YouTube answered with video ${answeredId} instead of ${videoId}`);
  }

  const microformat = asRecord(at(player, 'microformat', 'playerMicroformatRenderer'));
  const initialData = readInitialData(embedded.assignedObject('ytInitialData'));

  const exactViews = parseDigitString(videoDetails?.viewCount) ?? parseDigitString(microformat?.viewCount);
  const views: ParsedCount | null =
    exactViews !== null ? { value: exactViews, exact: true } : readViewCountRenderer(initialData);
  const likes = readLikeCount(initialData, microformat?.likeCount);
  const comments = readCommentCount(initialData);

  // A page that carries counts is read whatever its playability: a rental or a members-only video will not
  // play ("UNPLAYABLE") but still shows its views and likes. Only a page without counts is a failure.
  if (views === null && likes === null && comments === null) {
    if (playability.kind === 'unavailable') return err(playability.failure);
    if (playability.kind === 'gated') {
      // Decision: an age-restricted video is public, so it is neither private nor gone; when the
      // logged-out page hides its counts we call it blocked (the Data API, with YOUTUBE_API_KEY, still
      // reads it), so the scheduler retries instead of ending the tracking.
      return failure(
        'blocked',
        `The video is age-restricted and the page shows no counts (${playability.reason})`,
      );
    }
    return failure('format_changed', 'The watch page shows no view, like or comment count');
  }

  const metrics: Metrics = {
    views: views?.value ?? null,
    likes: likes?.value ?? null,
    comments: comments?.value ?? null,
    shares: null,
    saves: null,
  };
  const approximate = [views, likes, comments].some((count) => count !== null && !count.exact);
  return success({
    metrics,
    metadata: {
      title: asString(videoDetails?.title) ?? textOf(microformat?.title) ?? null,
      creator: asString(videoDetails?.author) ?? asString(microformat?.ownerChannelName) ?? null,
      description: asString(videoDetails?.shortDescription) ?? textOf(microformat?.description) ?? null,
    },
    provider: YOUTUBE_WEB_PROVIDER,
    ...(approximate ? { approximate: true } : {}),
  });
}
