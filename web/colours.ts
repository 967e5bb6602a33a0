/**
 * One colour per component, the same in every chart, table and legend of the dashboard.
 *
 * The six components of the product have fixed colours (Okabe–Ito, distinguishable with the common
 * colour-vision deficiencies, and readable on the light and the dark theme). Any other component gets a
 * colour from its name: the same name gets the same colour on every page load, and within a page no two
 * components share one while the extra palette lasts; past it, hues are spread by the golden angle.
 */

/** The product's components, by name. */
export const KNOWN_COLOURS: Readonly<Record<string, string>> = {
  mahavishnu: "#0072B2",
  "session-buddy": "#E69F00",
  oneiric: "#009E73",
  crackerjack: "#CC79A7",
  akosha: "#56B4E9",
  fastblocks: "#D55E00",
};

/** For other components (Paul Tol's muted scheme, plus Okabe–Ito's yellow). */
const EXTRA = ["#F0E442", "#882255", "#44AA99", "#999933", "#AA4499", "#332288", "#117733", "#DDCC77"];

/** The "other (n)" bucket of a chart that shows only the busiest components. */
export const OTHER_COLOUR = "#999999";

function hash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** Assignments of this page: once a component has a colour it keeps it. */
const assigned = new Map<string, string>();

/**
 * The colour of a component. A label `other (…)` (the rest of a chart's components summed) is grey.
 *
 * @example
 * componentColour("crackerjack"); // "#CC79A7", in every chart
 */
export function componentColour(name: string): string {
  const known = KNOWN_COLOURS[name];
  if (known) return known;
  if (/^other \(\d+\)$/.test(name)) return OTHER_COLOUR;
  const mine = assigned.get(name);
  if (mine) return mine;
  const taken = new Set(assigned.values());
  const h = hash(name);
  let colour: string | undefined;
  for (let i = 0; i < EXTRA.length && !colour; i++) {
    const candidate = EXTRA[(h + i) % EXTRA.length]!;
    if (!taken.has(candidate)) colour = candidate;
  }
  // Past the palette: a hue from the name, spread by the golden angle, mid lightness for both themes.
  colour ??= `hsl(${Math.round((h * 137.508) % 360)} 55% 50%)`;
  assigned.set(name, colour);
  return colour;
}
