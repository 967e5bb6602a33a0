/**
 * A few DOM helpers. Every piece of data reaches the page through text nodes and attributes, never
 * through HTML parsing, so nothing a shell reports can become markup.
 */

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(
      typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c,
    );
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A link the router handles without a reload. */
export const link = (href: string, attrs: Attrs, ...children: Child[]) =>
  h("a", { ...attrs, href, "data-link": true }, ...children);

const pad = (n: number) => String(n).padStart(2, "0");

/** `14:03:27` today, `Mar 4, 14:03` otherwise; the full ISO time goes in a `title`. */
export function formatTime(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === now.toDateString();
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (sameDay) return time;
  return `${d.toLocaleDateString(undefined, { month: "short", day: "numeric" })}, ${time.slice(0, 5)}`;
}

/** A `<time>` element with a readable label and the exact instant in `datetime` and `title`. */
export function time(iso: string | null | undefined): HTMLElement {
  if (!iso) return h("span", { class: "muted" }, "—");
  return h("time", { datetime: iso, title: new Date(iso).toString() }, formatTime(iso));
}

/** Seconds from `iso` to now. */
export const secondsSince = (iso: string, now = Date.now()) => (now - Date.parse(iso)) / 1000;

export function badge(text: string, kind: string): HTMLElement {
  return h("span", { class: `badge badge-${kind.toLowerCase()}` }, text);
}

export const statusBadge = (status: string) => badge(status.toLowerCase(), status);
