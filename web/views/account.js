// @ts-check
// The account: usage and money, API keys (create: shown once; revoke), and webhooks where the API has them.
import { confirmDialog, field, h, replace, toast } from '../dom.js';
import { dateTime, fullCount, money } from '../format.js';

/**
 * @param {import('../app.js').ViewContext} context
 * @param {HTMLElement} main
 */
export async function render(context, main) {
  const usageBox = h(
    'section',
    { 'aria-labelledby': 'usage-title', class: 'card' },
    h('h2', { id: 'usage-title' }, 'Usage'),
  );
  const keysBox = h(
    'section',
    { 'aria-labelledby': 'keys-title', class: 'card' },
    h('h2', { id: 'keys-title' }, 'API keys'),
  );
  // Shown only if the API has webhooks (the view asks it).
  const webhooksBox = h('section', { class: 'card', 'aria-label': 'Webhooks' });
  replace(main, h('h1', null, 'Account'), usageBox, keysBox, webhooksBox);
  await Promise.all([renderUsage(context, usageBox), renderKeys(context, keysBox)]);
  const { renderWebhooks } = await import('./webhooks.js');
  await renderWebhooks(context, webhooksBox);
}

/** @param {import('../app.js').ViewContext} context @param {HTMLElement} box */
async function renderUsage(context, box) {
  const answer = await context.api.get('/usage');
  if (!answer.ok) {
    box.append(h('p', { class: 'error' }, answer.message));
    return;
  }
  const u = answer.body;
  /** @type {[string, string][]} */
  const rows = [
    ['Balance', money(u.balance_usd)],
    ['Reserved for tracking in progress', money(u.uncharged_usage_usd)],
    ['Available', money(u.available_usd)],
    ['Charged so far', money(u.total_charged_usd)],
    ['Snapshots collected', fullCount(u.total_snapshots)],
    ['Videos being tracked', fullCount(u.active_videos)],
    ['Price per snapshot', context.testMode ? 'free with a test key' : money(u.cost_per_snapshot)],
    ['Snapshots the balance pays for', fullCount(u.estimated_snapshots_remaining)],
  ];
  box.append(
    h(
      'dl',
      { class: 'facts usage' },
      rows.flatMap(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
    ),
  );
}

/** @param {import('../app.js').ViewContext} context @param {HTMLElement} box */
async function renderKeys(context, box) {
  const { api } = context;
  const list = h('div');
  const created = h('div', { role: 'status' });
  const name = h('input', { name: 'key-name', maxLength: 100, autocomplete: 'off' });
  const mode = h(
    'select',
    { name: 'key-mode' },
    h('option', { value: 'test' }, 'Test'),
    context.testMode ? null : h('option', { value: 'live', selected: true }, 'Live'),
  );
  const form = h(
    'form',
    { class: 'inline-form' },
    field('Name', name, 'Optional, to tell keys apart'),
    field('Mode', mode),
    h('button', { type: 'submit', class: 'secondary' }, 'Create key'),
  );
  box.append(created, list, form);

  async function load() {
    const answer = await api.get('/keys');
    if (!answer.ok) {
      replace(list, h('p', { class: 'error' }, answer.message));
      return;
    }
    /** @type {any[]} */
    const keys = answer.body.keys;
    replace(
      list,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'keys' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Name', 'Key', 'Mode', 'Created', 'Last used', ''].map((title) =>
                h('th', { scope: 'col' }, title),
              ),
            ),
          ),
          h(
            'tbody',
            null,
            keys.map((key) =>
              h(
                'tr',
                null,
                h('td', null, key.name ?? '—'),
                h('td', null, h('code', null, `${key.prefix}…`)),
                h('td', null, key.mode),
                h('td', null, dateTime(key.created_at)),
                h(
                  'td',
                  null,
                  key.revoked_at ? `revoked ${dateTime(key.revoked_at)}` : dateTime(key.last_used_at),
                ),
                h(
                  'td',
                  null,
                  key.revoked_at
                    ? ''
                    : h(
                        'button',
                        {
                          type: 'button',
                          class: 'danger small',
                          'aria-label': `Revoke key ${key.prefix}`,
                          onclick: async () => {
                            const sure = await confirmDialog({
                              title: 'Revoke this key',
                              body: h(
                                'p',
                                null,
                                `Requests with ${key.prefix}… are refused from now on. If it is the key you signed in with, you will be signed out.`,
                              ),
                              confirm: 'Revoke',
                              danger: true,
                            });
                            if (!sure) return;
                            const revoked = await api.request(
                              'DELETE',
                              `/keys/${encodeURIComponent(key.id)}`,
                            );
                            toast(revoked.ok ? 'Key revoked.' : revoked.message);
                            await load();
                          },
                        },
                        'Revoke',
                      ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await api.request('POST', '/keys', {
      body: { mode: mode.value, ...(name.value.trim() ? { name: name.value.trim() } : {}) },
    });
    if (!answer.ok) {
      replace(created, h('p', { class: 'error' }, answer.message));
      return;
    }
    const shown = h('input', { readOnly: true, value: answer.body.api_key, class: 'share-url' });
    replace(
      created,
      h(
        'div',
        { class: 'notice' },
        field('New key (shown only this once: store it now)', shown),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => void navigator.clipboard?.writeText(shown.value).then(() => toast('Copied.')),
          },
          'Copy',
        ),
      ),
    );
    shown.select();
    name.value = '';
    await load();
  });
  await load();
}
