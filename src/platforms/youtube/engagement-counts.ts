// Likes and comments are not in the player response; the watch page shows them from `ytInitialData`,
// in renderers that YouTube reshapes often. Each count is looked up in several places, best first:
// an exact number wins over an abbreviated label wherever it was found.

import { asArray, asRecord, asString, at, findAll, findEach } from '../json-read.ts';
import { type ParsedCount, parseCount } from './parse-count.ts';
import { textOf } from './text-object.ts';

/** The renderers the counts are read from, wherever ytInitialData has them. */
const RENDERERS = [
  'likeCountEntity',
  'likeButtonViewModel',
  'segmentedLikeDislikeButtonRenderer',
  'commentsEntryPointHeaderRenderer',
  'commentsHeaderRenderer',
  'videoPrimaryInfoRenderer',
] as const;

/**
 * ytInitialData with its renderers found: every value under each of RENDERERS, in document order (as findAll
 * lists them), in one walk of the tree — it has tens of thousands of nodes, and a walk per renderer cost more
 * than parsing the page.
 */
export interface InitialData {
  root: unknown;
  renderers: Record<(typeof RENDERERS)[number], unknown[]>;
}

export const readInitialData = (root: unknown): InitialData => ({
  root,
  renderers: findEach(root, RENDERERS),
});

/** The first exact reading among the candidates; otherwise the first abbreviated one; otherwise null. */
export function bestCount(candidates: readonly (string | undefined)[]): ParsedCount | null {
  let approximate: ParsedCount | null = null;
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    const parsed = parseCount(candidate);
    if (parsed?.exact) return parsed;
    approximate ??= parsed;
  }
  return approximate;
}

// "like this video along with 1,234,567 other people" (buttonViewModel.accessibilityText).
const LIKE_A11Y = /along with ([\d,]+) other/i;
// The older toggle button: "1,234,567 likes".
const LIKES_LABEL = /^([\d,]+) likes?$/i;

export function readLikeCount(initialData: InitialData, microformatLikeCount: unknown): ParsedCount | null {
  // likeCountEntity sits in the segmented like button or, in newer pages, in
  // frameworkUpdates.entityBatchUpdate.mutations[].payload. Logged out, "indifferent" is the count as is
  // (the "liked" variants add the viewer's own like).
  const { renderers } = initialData;
  const entities = renderers.likeCountEntity.map(asRecord);
  const likeButtons = renderers.likeButtonViewModel;
  const toggleLabels = renderers.segmentedLikeDislikeButtonRenderer.map((button) =>
    textOf(
      at(
        button,
        'likeButton',
        'toggleButtonRenderer',
        'defaultText',
        'accessibility',
        'accessibilityData',
        'label',
      ),
    ),
  );

  return bestCount([
    ...entities.map((entity) => asString(entity?.likeCountIfIndifferentNumber)),
    asString(microformatLikeCount),
    ...likeButtons.flatMap((button) =>
      findAll(button, 'accessibilityText').map((text) => asString(text)?.match(LIKE_A11Y)?.[1]),
    ),
    ...toggleLabels.map((label) => label?.match(LIKES_LABEL)?.[1]),
    ...entities.map((entity) => textOf(entity?.expandedLikeCountIfIndifferent)),
    // Abbreviated: the number printed on the button ("1.2M").
    ...entities.map((entity) => textOf(entity?.likeCountIfIndifferent)),
    ...likeButtons.flatMap((button) =>
      findAll(button, 'buttonViewModel').map((model) => asString(at(model, 'title'))),
    ),
  ]);
}

const COMMENT_PANELS = new Set(['engagement-panel-comments-section', 'comment-item-section']);

export function readCommentCount(initialData: InitialData): ParsedCount | null {
  const panelCounts = asArray(at(initialData.root, 'engagementPanels'))
    .map((panel) => asRecord(at(panel, 'engagementPanelSectionListRenderer')))
    .filter((panel) => COMMENT_PANELS.has(asString(panel?.panelIdentifier) ?? ''))
    .map((panel) => textOf(at(panel, 'header', 'engagementPanelTitleHeaderRenderer', 'contextualInfo')));
  // The comments teaser under the video ("Comments 1.2K") and the header of a loaded comment section
  // ("1,234 Comments").
  const teaserCounts = initialData.renderers.commentsEntryPointHeaderRenderer.map((teaser) =>
    textOf(at(teaser, 'commentCount')),
  );
  const headerCounts = initialData.renderers.commentsHeaderRenderer.flatMap((header) => [
    textOf(at(header, 'countText')),
    textOf(at(header, 'commentsCount')),
  ]);
  return bestCount([...panelCounts, ...teaserCounts, ...headerCounts]);
}

/** The view counter under the video, for pages whose player response lacks `videoDetails.viewCount`. */
export function readViewCountRenderer(initialData: InitialData): ParsedCount | null {
  const primaryInfo = initialData.renderers.videoPrimaryInfoRenderer[0];
  const counter = at(primaryInfo, 'viewCount', 'videoViewCountRenderer');
  // A live stream's counter shows people watching now, not views.
  if (at(counter, 'isLive') === true) return null;
  // `originalViewCount` is "0" on ordinary videos, so it is not read: the label is the count.
  return bestCount([textOf(at(counter, 'viewCount')), textOf(at(counter, 'shortViewCount'))]);
}
