// The curl example, highlighted by hand, with a copy button.
'use strict';

import { h } from '../dom.js';
import { copyText } from '../clipboard.js';
import { toast } from '../toast.js';

export const EXAMPLE_TWEET = 'https://x.com/DivineDropbear/status/1841206275088290279';

/**
 * @param {string} [key] the key to show, defaults to a placeholder
 * @returns {HTMLElement}
 */
export function codeSample(key = 'sk-YOUR_KEY') {
  const endpoint = `${location.origin}/api/v1/twitter`;
  const plain = `curl -X POST ${endpoint} \\\n  -H "Authorization: Bearer ${key}" \\\n  -H "Content-Type: application/json" \\\n  -d '{"url":"${EXAMPLE_TWEET}"}'`;
  const t = (/** @type {string} */ cls, /** @type {string} */ text) => h('span', { class: cls }, text);
  const pre = h(
    'pre',
    null,
    h(
      'code',
      null,
      t('tok-cmd', 'curl'), ' ', t('tok-flag', '-X'), ' POST ', endpoint, ' \\\n  ',
      t('tok-flag', '-H'), ' ', t('tok-str', `"Authorization: Bearer ${key}"`), ' \\\n  ',
      t('tok-flag', '-H'), ' ', t('tok-str', '"Content-Type: application/json"'), ' \\\n  ',
      t('tok-flag', '-d'), ' ', t('tok-str', `'{"url":"${EXAMPLE_TWEET}"}'`),
    ),
  );
  const copy = h('button', { type: 'button', class: 'code-copy', 'aria-label': 'Copy curl example' }, 'Copy');
  copy.addEventListener('click', async () => {
    if (await copyText(plain)) {
      copy.textContent = 'Copied';
      toast('Example copied');
      setTimeout(() => (copy.textContent = 'Copy'), 1500);
    }
  });
  return h(
    'div',
    { class: 'code code-wrap', 'data-testid': 'code-sample' },
    h('div', { class: 'code-header' }, h('span', { class: 'code-dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), h('span', null, 'Terminal'), copy),
    pre,
  );
}
