// @ts-check
// The dashboard's entry: sign-in, the test-key banner, and a router over the page's hash (#/videos,
// #/videos/<id>, #/track, #/campaigns/<tag>, #/account), so the key never appears in an address and a
// reload keeps the page. The list is loaded with the shell; every other view is loaded when first opened.
import { ApiClient } from './api.js';
import { h, replace } from './dom.js';
import { forgetKey, isTestKey, KEY_PATTERN, storedKey, storeKey } from './session.js';
import * as videosView from './views/videos.js';

/**
 * What every view receives.
 * @typedef {{api: ApiClient, testMode: boolean, navigate: (hash: string) => void}} ViewContext
 * @typedef {(context: ViewContext, main: HTMLElement, route: Route) => (void | (() => void)) | Promise<void | (() => void)>} ViewRender
 * @typedef {{path: string[], query: URLSearchParams}} Route
 */

/** @type {Record<string, () => Promise<{render: ViewRender}>>} */
const LAZY_VIEWS = {
  video: () => import('./views/video.js'),
  track: () => import('./views/track.js'),
  campaigns: () => import('./views/campaigns.js'),
  account: () => import('./views/account.js'),
};

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const banner = /** @type {HTMLElement} */ (document.getElementById('test-banner'));

/** @type {(() => void) | undefined} */
let leaveView;
let renderCount = 0;

/** An address's hash names a page when it starts with `#/`; any other (`#main`, the skip link's) is the list. */
const isRoute = (/** @type {string} */ hash) => hash.startsWith('#/');

/** @returns {Route} */
function currentRoute() {
  const hash = isRoute(location.hash) ? location.hash.slice(2) : '';
  const [path = '', query = ''] = hash.split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

/** @param {string} hash */
function navigate(hash) {
  if (location.hash === hash) void route();
  else location.hash = hash;
}

function signOut() {
  forgetKey();
  leaveView?.();
  leaveView = undefined;
  showSignIn();
}

function showSignIn(message = '') {
  nav.hidden = true;
  banner.hidden = true;
  const input = h('input', {
    type: 'password',
    id: 'api-key',
    name: 'api-key',
    autocomplete: 'off',
    spellcheck: false,
    required: true,
    'aria-describedby': 'api-key-hint',
  });
  const error = h('p', { class: 'error', role: 'alert' }, message);
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h(
      'small',
      { class: 'hint', id: 'api-key-hint' },
      'A cs_live_… or cs_test_… key. It stays in this tab only and is forgotten when the tab closes.',
    ),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!KEY_PATTERN.test(key)) {
      error.textContent = 'That does not look like an API key (cs_live_… or cs_test_…).';
      return;
    }
    const answer = await new ApiClient(key).get('/usage');
    if (!answer.ok) {
      error.textContent = answer.status === 401 ? 'This key is not valid (or was revoked).' : answer.message;
      return;
    }
    storeKey(key);
    if (!location.hash || location.hash === '#/') location.hash = '#/videos';
    else void route();
  });
  replace(main, form);
  input.focus();
}

async function route() {
  const key = storedKey();
  if (!key) return showSignIn();
  const testMode = isTestKey(key);
  nav.hidden = false;
  banner.hidden = !testMode;
  const api = new ApiClient(key, {
    onUnauthorized: () => {
      forgetKey();
      showSignIn('The key was refused (revoked or invalid). Sign in again.');
    },
  });
  const context = { api, testMode, navigate };
  const target = currentRoute();
  const [section = 'videos', id] = target.path;
  for (const link of nav.querySelectorAll('a')) {
    const current = link.getAttribute('href') === `#/${section}`;
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }

  leaveView?.();
  leaveView = undefined;
  const thisRender = ++renderCount;
  /** @type {ViewRender} */
  let render;
  if (section === 'videos' && id === undefined) render = videosView.render;
  else {
    const name = section === 'videos' ? 'video' : section;
    const load = LAZY_VIEWS[name];
    if (!load) {
      replace(
        main,
        h('h1', null, 'Not found'),
        h('p', null, h('a', { href: '#/videos' }, 'Back to the videos')),
      );
      return;
    }
    replace(main, h('p', { class: 'loading' }, 'Loading…'));
    render = (await load()).render;
  }
  if (thisRender !== renderCount) return;
  main.replaceChildren();
  const cleanup = await render(context, main, target);
  if (thisRender !== renderCount) cleanup?.();
  else leaveView = cleanup ?? undefined;
}

document.getElementById('sign-out')?.addEventListener('click', signOut);
// The skip link moves the focus to the page's content without changing the address (a hash is a route here).
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => {
  if (!isRoute(location.hash) && location.hash !== '') return;
  void route();
  main.focus({ preventScroll: true });
});
void route();
