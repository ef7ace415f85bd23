// Tiny DOM helpers. Text always goes through text nodes, never innerHTML, so user input (key labels,
// emails, server messages) cannot inject markup.
'use strict';

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, unknown>} Attrs
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * @param {Element} el
 * @param {Attrs | null | undefined} attrs
 */
function applyAttrs(el, attrs) {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    } else if (name === 'dataset' && typeof value === 'object') {
      for (const [k, v] of Object.entries(/** @type {Record<string,string>} */ (value))) {
        /** @type {HTMLElement} */ (el).dataset[k] = String(v);
      }
    } else if (name === 'style') {
      // through the CSSOM, not the style attribute: the Content-Security-Policy has no 'unsafe-inline'
      /** @type {HTMLElement} */ (el).style.cssText = String(value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
}

/**
 * @param {Element} el
 * @param {Child[]} children
 */
function appendChildren(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Create an HTML element.
 * @param {string} tag
 * @param {Attrs | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  appendChildren(el, /** @type {Child[]} */ (children));
  return el;
}

/**
 * Create an SVG element.
 * @param {string} tag
 * @param {Attrs | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {SVGElement}
 */
export function s(tag, attrs, ...children) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  applyAttrs(el, attrs);
  appendChildren(el, /** @type {Child[]} */ (children));
  return el;
}

/**
 * Replace all children of an element.
 * @param {Element} el
 * @param {...(Child | Child[])} children
 */
export function mount(el, ...children) {
  el.replaceChildren();
  appendChildren(el, /** @type {Child[]} */ (children));
}

/** Lucide-style stroke icons (paths only), drawn at 24x24. */
const ICONS = /** @type {const} */ ({
  home: ['M3 10.5 12 3l9 7.5', 'M5 9.5V21h14V9.5', 'M9.5 21v-6h5v6'],
  key: ['M15.5 7.5a3.5 3.5 0 1 1-7 0 3.5 3.5 0 0 1 7 0Z', 'M12 11v10', 'M12 15h3', 'M12 18.5h2'],
  chart: ['M3 3v18h18', 'M7 16v-4', 'M11 16V8', 'M15 16v-6', 'M19 16V5'],
  book: ['M4 19.5V5a2 2 0 0 1 2-2h14v16H6a2 2 0 0 0-2 2Z', 'M4 19.5A2 2 0 0 0 6 21.5h14', 'M8 7h8'],
  logout: ['M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'M16 17l5-5-5-5', 'M21 12H9'],
  external: ['M14 3h7v7', 'M10 14 21 3', 'M19 14v5a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2h5'],
  plus: ['M12 5v14', 'M5 12h14'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  check: ['M20 6 9 17l-5-5'],
  alert: ['M12 9v4', 'M12 17h.01', 'M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z'],
  info: ['M12 16v-4', 'M12 8h.01', 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Z'],
  card: ['M2 6h20v12H2z', 'M2 10h20', 'M6 15h4'],
  zap: ['M13 2 3 14h9l-1 8 10-12h-9l1-8Z'],
  shield: ['M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10Z', 'm9 12 2 2 4-4'],
  refresh: ['M21 12a9 9 0 0 1-15.5 6.2L3 16', 'M3 12a9 9 0 0 1 15.5-6.2L21 8', 'M21 3v5h-5', 'M3 21v-5h5'],
  sparkle: ['M12 3v4', 'M12 17v4', 'M3 12h4', 'M17 12h4', 'm5.6 5.6 2.8 2.8', 'm15.6 15.6 2.8 2.8', 'm5.6 18.4 2.8-2.8', 'm15.6 8.4 2.8-2.8'],
  download: ['M12 3v12', 'm7 10 5 5 5-5', 'M5 21h14'],
});

/**
 * @param {keyof typeof ICONS} name
 * @param {Attrs} [attrs]
 * @returns {SVGElement}
 */
export function icon(name, attrs = {}) {
  return s(
    'svg',
    {
      viewBox: '0 0 24 24',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2,
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
      'aria-hidden': 'true',
      focusable: 'false',
      ...attrs,
    },
    ICONS[name].map((d) => s('path', { d })),
  );
}

/** The twdown logo mark. */
export function brandMark() {
  return h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, icon('download', { 'stroke-width': 2.5 }));
}
