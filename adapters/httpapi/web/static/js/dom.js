// Small helpers to build DOM nodes. Text from the server always goes in as text, never as HTML.

/**
 * h creates an element. props: `class`, `text`, `dataset` (object; null and undefined values are
 * left out), `on` (event → handler), any
 * other key is set as an attribute (skipped when null, undefined or false). Children are nodes or
 * strings; null and false children are skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) if (dv != null) el.dataset[dk] = dv;
    }
    else if (k === 'on') for (const [type, fn] of Object.entries(v)) el.addEventListener(type, fn);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** byId returns the element with the given id, or throws naming it: the page and the code disagree. */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el;
}

/** isTyping reports whether keyboard input is going to a text field, where shortcuts must not fire. */
export function isTyping(e) {
  const el = e.target;
  return el instanceof HTMLElement && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}
