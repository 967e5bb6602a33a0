import { describe, expect, it } from "vitest";
import { componentColour, KNOWN_COLOURS, OTHER_COLOUR } from "./colours.js";

describe("componentColour", () => {
  it("gives the product's components their fixed colours, the same on every call", () => {
    for (const [name, colour] of Object.entries(KNOWN_COLOURS)) {
      expect(componentColour(name)).toBe(colour);
      expect(componentColour(name)).toBe(colour);
    }
    expect(new Set(Object.values(KNOWN_COLOURS)).size).toBe(Object.keys(KNOWN_COLOURS).length);
  });

  it("keeps a colour per other component, distinct from the others while the palette lasts", () => {
    const names = Array.from({ length: 8 }, (_, i) => `custom-${i}`);
    const first = names.map(componentColour);
    expect(names.map(componentColour)).toEqual(first);
    expect(new Set(first).size).toBe(names.length);
    for (const c of first) expect(Object.values(KNOWN_COLOURS)).not.toContain(c);
    // Past the palette, colours still come, one per name.
    expect(componentColour("custom-extra")).toMatch(/^hsl\(/);
    expect(componentColour("custom-extra")).toBe(componentColour("custom-extra"));
  });

  it("paints the summed rest of a chart grey", () => {
    expect(componentColour("other (3)")).toBe(OTHER_COLOUR);
  });
});
