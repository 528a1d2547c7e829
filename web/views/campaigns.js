// @ts-check
// Campaigns: one page per tag. Filled in from the tag endpoints of the API.
import { h, replace } from '../dom.js';
import { FEATURES } from '../features.js';

/**
 * @param {import('../app.js').ViewContext} _context
 * @param {HTMLElement} main
 */
export function render(_context, main) {
  if (!FEATURES.tags) {
    replace(
      main,
      h('h1', null, 'Campaigns'),
      h('p', null, 'Campaigns group videos by tag; this version of the service has no tags.'),
    );
  }
}
