import { describe, expect, it } from "vitest";
import { findByIdRef, matchesIdRef, parseIdRef, shortId } from "./short-id.js";

const ID = "0193c0de-0000-7000-8000-00000a1b2c3d";
const SAME_MINUTE = "0193c0de-0001-7000-8000-0000ffff0000";

describe("shortId", () => {
  it("is the last 8 hex digits, which tell apart sessions opened at the same time", () => {
    expect(shortId(ID)).toBe("0a1b2c3d");
    expect(shortId(ID.toUpperCase())).toBe("0a1b2c3d");
    expect(shortId(SAME_MINUTE)).not.toBe(shortId(ID));
  });
  it("leaves what is not an id alone", () => {
    expect(shortId("abc")).toBe("abc");
    expect(shortId("not-a-session-id")).toBe("not-a-session-id");
  });
});

describe("parseIdRef", () => {
  it("takes a full id, a prefix of at least 4 digits or the short form, hyphens optional", () => {
    const whole = { kind: "id", id: ID, hex: ID.replace(/-/g, "") };
    expect(parseIdRef(ID)).toEqual(whole);
    expect(parseIdRef(ID.replace(/-/g, "").toUpperCase())).toEqual(whole);
    expect(parseIdRef("0193")).toEqual({ kind: "ref", hex: "0193" });
    expect(parseIdRef(" 0193c0de-00 ")).toEqual({ kind: "ref", hex: "0193c0de00" });
    expect(parseIdRef("0A1B-2C3D")).toEqual({ kind: "ref", hex: "0a1b2c3d" });
  });
  it("refuses what cannot be one", () => {
    for (const bad of ["", "abc", "nope", "0193c0dg", `${ID}0`, "01 93", "../../etc"])
      expect(parseIdRef(bad), bad).toBeNull();
    expect(parseIdRef(42 as unknown as string)).toBeNull();
  });
});

describe("matchesIdRef", () => {
  it("matches by prefix, and an 8-digit reference by the short form too", () => {
    expect(matchesIdRef(ID, parseIdRef("0193c0")!)).toBe(true);
    expect(matchesIdRef(ID, "0a1b2c3d")).toBe(true);
    expect(matchesIdRef(ID, "0193c0de")).toBe(true);
    expect(matchesIdRef(ID, "1b2c3d")).toBe(false);
    expect(matchesIdRef(ID, ID)).toBe(true);
    expect(matchesIdRef(SAME_MINUTE, ID)).toBe(false);
    expect(matchesIdRef(ID, "nope")).toBe(false);
  });
});

describe("findByIdRef", () => {
  const sessions = [{ id: ID }, { id: SAME_MINUTE }];
  it("finds one, none or several", () => {
    expect(findByIdRef(sessions, "0a1b2c3d", (s) => s.id)).toEqual({ kind: "one", item: sessions[0] });
    expect(findByIdRef(sessions, "0193c0de", (s) => s.id)).toEqual({ kind: "many", items: sessions });
    expect(findByIdRef(sessions, "ffffffff", (s) => s.id)).toEqual({ kind: "none" });
    expect(findByIdRef(sessions, "zz", (s) => s.id)).toEqual({ kind: "invalid" });
  });
});
