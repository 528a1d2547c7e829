// @ts-check
// Webhooks on the account page: filled in from the webhook endpoints of the API.
import { h } from '../dom.js';

/**
 * @param {import('../app.js').ViewContext} _context
 * @param {HTMLElement} box
 */
export async function renderWebhooks(_context, box) {
  box.append(h('h2', null, 'Webhooks'));
}
