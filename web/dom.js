// @ts-check
// Building the page. Every value is set as a text node or a DOM property, never parsed as HTML: a title that
// holds `<script>` shows as those characters. Nothing in the dashboard parses a string as HTML.

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, unknown>} Props
 */

/**
 * An element with properties, attributes and children. `class` sets the class, `on<event>` adds a listener,
 * `aria-*`, `data-*`, `role` and `for` are attributes, and anything else is a DOM property.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props | null} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = String(value);
    else if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else if (name.startsWith('aria-') || name.startsWith('data-') || name === 'role' || name === 'for') {
      element.setAttribute(name, value === true ? 'true' : String(value));
    } else if (name === 'href') {
      const safe = safeHref(String(value));
      if (safe !== null) element.setAttribute('href', safe);
    } else {
      /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (element))[name] = value;
    }
  }
  append(element, children);
  return element;
}

/**
 * @param {Element} parent
 * @param {(Child | Child[])[]} children
 */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces an element's content.
 * @param {Element} parent
 * @param {...(Child | Child[])} children
 */
export function replace(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/**
 * Only in-page routes and http(s) addresses become links: a `javascript:` or `data:` value never does.
 * @param {string} value
 * @returns {string | null}
 */
export function safeHref(value) {
  if (value.startsWith('#')) return value;
  try {
    const url = new URL(value, location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A link that leaves the dashboard, opened apart from it and sending no referrer.
 * @param {string} url
 * @param {Child} text
 */
export function externalLink(url, text) {
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, text);
}

/**
 * A labelled form control: the label names it for screen readers and clicking the label focuses it.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(label, control, hint) {
  if (!control.id) control.id = uniqueId('field');
  const hintElement = hint ? h('small', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintElement);
}

let counter = 0;
/** @param {string} prefix */
export function uniqueId(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * A short message in the page's live region, read out by screen readers.
 * @param {string} message
 */
export function toast(message) {
  const region = document.getElementById('toast');
  if (!region) return;
  region.textContent = message;
  region.classList.add('visible');
  window.setTimeout(() => {
    if (region.textContent === message) region.classList.remove('visible');
  }, 4000);
}

/**
 * A dialog that asks before an action, built on <dialog> (focus kept inside, Escape cancels).
 * @param {{title: string, body: Child | Child[], confirm: string, danger?: boolean}} options
 * @returns {Promise<boolean>}
 */
export function confirmDialog({ title, body, confirm, danger }) {
  return new Promise((resolve) => {
    const titleId = uniqueId('dialog-title');
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      h('div', { class: 'dialog-body' }, body),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close('cancel') }, 'Cancel'),
        h(
          'button',
          { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => dialog.close('confirm') },
          confirm,
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
