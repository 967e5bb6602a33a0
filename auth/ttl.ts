/** Parses `90s`, `15m`, `1h`, `7d` or plain seconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 90s, 15m, 1h, 7d)`);
  const n = Number(m[1]);
  const unit = m[2] || "s";
  const factor = { s: 1, m: 60, h: 3600, d: 86400 }[unit] ?? 1;
  const seconds = n * factor;
  if (seconds <= 0) throw new Error("the lifetime must be positive");
  return seconds;
}
