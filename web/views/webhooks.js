// @ts-check
// Webhooks on the account page: the endpoints of the key's mode, creating one (its signing secret shown once),
// sending a test event, enabling or disabling, deleting, and each endpoint's recent deliveries with their
// attempts. The section appears only when the API answers GET /webhooks (a service without them says 404).
import { confirmDialog, field, h, replace, toast } from '../dom.js';
import { dateTime } from '../format.js';

export const WEBHOOK_EVENTS = [
  'snapshot.created',
  'snapshot.missed',
  'tracking.completed',
  'tracking.error',
  'tracking.paused',
  'balance.low',
  'video.milestone',
];

/**
 * @param {import('../app.js').ViewContext} context
 * @param {HTMLElement} box
 */
export async function renderWebhooks(context, box) {
  const { api } = context;
  const first = await api.get('/webhooks');
  if (!first.ok && first.status === 404) {
    box.remove();
    return;
  }
  box.setAttribute('aria-labelledby', 'webhooks-title');
  const list = h('div');
  const created = h('div', { role: 'status' });
  const url = h('input', {
    type: 'url',
    name: 'webhook-url',
    required: true,
    placeholder: 'https://example.com/hooks/contentstats',
    autocomplete: 'off',
  });
  const description = h('input', { name: 'webhook-description', maxLength: 500, autocomplete: 'off' });
  const events = h(
    'fieldset',
    { class: 'events' },
    h('legend', null, 'Events'),
    WEBHOOK_EVENTS.map((event) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          name: 'webhook-events',
          value: event,
          checked: event.startsWith('tracking.'),
        }),
        ` ${event}`,
      ),
    ),
  );
  const form = h(
    'form',
    { class: 'webhook-form' },
    field('Endpoint URL', url, 'Receives a signed POST (Standard Webhooks) for each event'),
    field('Description', description),
    events,
    h('button', { type: 'submit', class: 'secondary' }, 'Add webhook'),
  );
  replace(box, h('h2', { id: 'webhooks-title' }, 'Webhooks'), created, list, form);

  /** @param {any} answer */
  function show(answer) {
    if (!answer.ok) {
      replace(list, h('p', { class: 'error' }, answer.message));
      return;
    }
    /** @type {any[]} */
    const hooks = answer.body.webhooks;
    replace(
      list,
      hooks.length === 0 ? h('p', { class: 'muted' }, 'No webhooks yet.') : hooks.map(endpointCard),
    );
  }

  /** @param {any} hook */
  function endpointCard(hook) {
    const deliveries = h('div', { class: 'deliveries' });
    const act = async (
      /** @type {'POST' | 'PATCH' | 'DELETE'} */ method,
      /** @type {string} */ path,
      /** @type {unknown} */ body,
      /** @type {string} */ done,
    ) => {
      const answer = await api.request(
        method,
        `/webhooks/${encodeURIComponent(hook.id)}${path}`,
        body === undefined ? {} : { body },
      );
      toast(answer.ok ? done : answer.message);
      return answer.ok;
    };
    return h(
      'div',
      { class: 'card webhook' },
      h(
        'p',
        { class: 'webhook-url' },
        h('code', null, hook.url),
        hook.disabled ? h('span', { class: 'badge status-error' }, ' Disabled') : null,
      ),
      hook.description ? h('p', { class: 'muted' }, hook.description) : null,
      hook.disabled_reason ? h('p', { class: 'error' }, hook.disabled_reason) : null,
      h('p', { class: 'muted' }, `Events: ${hook.events.join(', ')} · added ${dateTime(hook.created_at)}`),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'secondary small',
            onclick: async () => {
              if (await act('POST', '/test', undefined, 'Test event sent.'))
                await showDeliveries(hook, deliveries);
            },
          },
          'Send a test',
        ),
        h(
          'button',
          { type: 'button', class: 'secondary small', onclick: () => showDeliveries(hook, deliveries) },
          'Deliveries',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary small',
            onclick: async () => {
              if (
                await act('PATCH', '', { disabled: !hook.disabled }, hook.disabled ? 'Enabled.' : 'Disabled.')
              )
                await load();
            },
          },
          hook.disabled ? 'Enable' : 'Disable',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger small',
            'aria-label': `Delete webhook ${hook.url}`,
            onclick: async () => {
              const sure = await confirmDialog({
                title: 'Delete this webhook',
                body: h('p', null, `Events stop going to ${hook.url}; its deliveries are deleted.`),
                confirm: 'Delete',
                danger: true,
              });
              if (sure && (await act('DELETE', '', undefined, 'Webhook deleted.'))) await load();
            },
          },
          'Delete',
        ),
      ),
      deliveries,
    );
  }

  /** @param {any} hook @param {HTMLElement} where */
  async function showDeliveries(hook, where) {
    const answer = await api.get(`/webhooks/${encodeURIComponent(hook.id)}/deliveries`, { limit: 20 });
    if (!answer.ok) {
      replace(where, h('p', { class: 'error' }, answer.message));
      return;
    }
    /** @type {any[]} */
    const deliveries = answer.body.deliveries;
    replace(
      where,
      deliveries.length === 0
        ? h('p', { class: 'muted' }, 'No deliveries yet.')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'deliveries-table' },
              h('caption', null, 'The 20 newest deliveries'),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Event', 'Status', 'Created', 'Last attempt'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                null,
                deliveries.map((d) => {
                  const last = d.attempts.at(-1);
                  return h(
                    'tr',
                    null,
                    h('td', null, d.event_type),
                    h('td', null, d.status),
                    h('td', null, dateTime(d.created_at)),
                    h(
                      'td',
                      null,
                      last
                        ? `${last.response_status ?? last.error ?? '—'} (${last.duration_ms} ms)`
                        : d.next_attempt_at
                          ? `next ${dateTime(d.next_attempt_at)}`
                          : '—',
                    ),
                  );
                }),
              ),
            ),
          ),
    );
  }

  async function load() {
    show(await api.get('/webhooks'));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = [...events.querySelectorAll('input:checked')].map(
      (input) => /** @type {HTMLInputElement} */ (input).value,
    );
    const answer = await api.request('POST', '/webhooks', {
      body: {
        url: url.value.trim(),
        events: chosen,
        ...(description.value.trim() ? { description: description.value.trim() } : {}),
      },
    });
    if (!answer.ok) {
      replace(created, h('p', { class: 'error' }, answer.message));
      return;
    }
    const secret = h('input', { readOnly: true, value: answer.body.secret, class: 'share-url' });
    replace(
      created,
      h(
        'div',
        { class: 'notice' },
        field('Signing secret (shown only this once: store it now)', secret),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => void navigator.clipboard?.writeText(secret.value).then(() => toast('Copied.')),
          },
          'Copy',
        ),
      ),
    );
    url.value = '';
    description.value = '';
    await load();
  });

  show(first);
}
