/**
 * Masks secrets in a command line before it is recorded, so passwords, tokens and keys typed into an admin
 * shell never leave the operator's machine (SPEC §6 "Secrets are masked at the source").
 *
 * The rules are deliberately two-sided: a secret that is *written down* (a quoted literal, text inside a
 * string, a comment, a URL, a well-known token format) is masked; a secret that is only *named* in code
 * (`{ password: pw }`, `const token = getToken()`) is left alone, because masking it would garble the audit
 * trail without hiding anything.
 */

/** What a masked value is replaced with. */
export const MASK = "****";

export const RedactModes = {
  /** The input is JavaScript typed at a REPL: unquoted values are masked only inside strings and comments. */
  CODE: "code",
  /** The input is free text (a shell command, a config line): every value after a secret key is masked. */
  TEXT: "text",
} as const;
export type RedactMode = (typeof RedactModes)[keyof typeof RedactModes];

export interface RedactOptions {
  /** Default `code`: the shells feed REPL lines. */
  mode?: RedactMode;
}

export interface RedactResult {
  text: string;
  /** How many secrets were masked. */
  redactions: number;
}

/** Span of a string literal or comment: `start` is its opening quote (or `/`), `end` its closing quote. */
interface Region {
  start: number;
  end: number;
}

// A key names a secret when it *ends* in one of these words: `DB_PASSWORD`, `accessToken`, `x-api-key`.
// Ending (rather than containing) keeps `tokenizer`, `max_tokens` and `passwordMinLength` out.
const SECRET_WORDS = [
  "password",
  "passwd",
  "passphrase",
  "pwd",
  "secret",
  "token",
  "api[_-]?key",
  "access[_-]?key",
  "secret[_-]?key",
  "private[_-]?key",
  "credentials?",
  "authorization",
].join("|");
const KEY = `(?<![A-Za-z0-9_$.-])(?<key>[A-Za-z0-9_$.-]*?(?:${SECRET_WORDS}))(?![A-Za-z0-9_$])`;

// Value forms after a key. Escaped quotes cover JSON inside a JS string: "{\"password\":\"x\"}".
const QUOTED_VALUE = [
  String.raw`\\"(?<q1>(?:[^"\\]|\\[^"])*)\\"`,
  String.raw`\\'(?<q2>(?:[^'\\]|\\[^'])*)\\'`,
  String.raw`"(?<q3>(?:[^"\\\n]|\\.)*)"`,
  String.raw`'(?<q4>(?:[^'\\\n]|\\.)*)'`,
  String.raw`\x60(?<q5>(?:[^\x60\\]|\\.)*)\x60`,
].join("|");
// Unquoted: up to a delimiter. Not `${…}` (a template hole is code) and not `=`/`>` (comparisons, arrows).
// An auth scheme in front (`Authorization: Bearer x`) is kept.
const BARE_VALUE = String.raw`(?<scheme>(?:Bearer|Basic|Digest|Token|Bot)\s+)?(?!\$\{)(?<bare>[^\s"'\x60,;&)}\]\\<>=][^\s"'\x60,;&)}\]\\<>]*)`;
const AUTH_SCHEME = /^((?:Bearer|Basic|Digest|Token|Bot)\s+)/i;

// `Bearer abc1…` / `Basic dXNlcjpwYXNz`; see looksLikeCredential for why prose such as "Basic authentication"
// survives.
const BEARER = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/-]{8,}=*)/gi;

// key, its closing quote or bracket (`"password":`, `cfg["token"] =`), the separator, then the value.
const KEY_VALUE = new RegExp(
  `(?<prefix>${KEY}(?:\\\\?["'\\x60])?\\]?\\s*(?:===?|=|:)\\s*)(?:${QUOTED_VALUE}|${BARE_VALUE})`,
  "gi",
);
// `--password hunter2` (the `--password=hunter2` form is a key/value pair).
const FLAG = new RegExp(
  String.raw`(?<![A-Za-z0-9_-])(--?[A-Za-z0-9_-]*?(?:${SECRET_WORDS}))(\s+)(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|(?!-)([^\s"'\x60,;&)}\]\\<>]+))`,
  "gi",
);
// `curl -u user:pass`.
const USER_FLAG = /(?<![A-Za-z0-9_-])(-u|--user)(\s+|=)([^\s:"'`]+):([^\s"'`]+)/g;

// scheme://user:password@host — the password runs to the last `@` of the authority, so raw `@`s in
// passwords are masked whole; `/`, `?` and `#` end it (they must be percent-encoded in a URL password).
const URL_PASSWORD = /\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^\s:/?#@"'`]*):([^\s"'`/?#]*)@/g;

const PRIVATE_KEY = /(-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----)([\s\S]*?)(-----END \2-----|$)/g;

/** Well-known token formats, masked wherever they appear; the prefix is kept because it names the kind. */
const TOKEN_FORMATS: readonly { name: string; re: RegExp; keep: number }[] = [
  // JWT / JWS: three base64url segments, the header always starting `eyJ` ('{"'); signature may be empty.
  { name: "jwt", re: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, keep: 3 },
  {
    name: "aws-access-key",
    re: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z0-9]{16}\b/g,
    keep: 4,
  },
  { name: "github", re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,255}\b/g, keep: 4 },
  { name: "github-pat", re: /\bgithub_pat_[A-Za-z0-9_]{20,255}\b/g, keep: 11 },
  { name: "gitlab", re: /\bglpat-[A-Za-z0-9_-]{20,}/g, keep: 6 },
  { name: "slack", re: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g, keep: 5 },
  { name: "slack-webhook", re: /\bhooks\.slack\.com\/services\/[A-Za-z0-9/_-]{10,}/g, keep: 25 },
  { name: "stripe", re: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, keep: 8 },
  { name: "google-api-key", re: /\bAIza[0-9A-Za-z_-]{35}/g, keep: 4 },
  { name: "npm", re: /\bnpm_[A-Za-z0-9]{36}\b/g, keep: 4 },
  { name: "openai-anthropic", re: /\bsk-(?:ant-|proj-)[A-Za-z0-9_-]{20,}|\bsk-[A-Za-z0-9]{32,}\b/g, keep: 3 },
];

/**
 * Masks secrets in `input`.
 *
 * @example
 * redact('connect("postgres://app:s3cret@db/app", { password: "hunter2" })');
 * // { text: 'connect("postgres://app:****@db/app", { password: "****" })', redactions: 2 }
 */
export function redact(input: string, options: RedactOptions = {}): RedactResult {
  const mode = options.mode ?? RedactModes.CODE;
  let redactions = 0;
  let text = input;

  text = text.replace(PRIVATE_KEY, (all, begin: string, _kind: string, body: string, end: string) => {
    if (body.trim() === MASK || body.trim() === "") return all;
    redactions++;
    return `${begin}${MASK}${end}`;
  });

  text = text.replace(URL_PASSWORD, (all, scheme: string, user: string, password: string) => {
    if (password === "" || password === MASK) return all;
    redactions++;
    return `${scheme}${user}:${MASK}@`;
  });

  for (const { re, keep } of TOKEN_FORMATS) {
    text = text.replace(re, (token) => {
      redactions++;
      return `${token.slice(0, keep)}${MASK}`;
    });
  }

  text = text.replace(BEARER, (all, scheme: string, space: string, credential: string) => {
    if (!looksLikeCredential(scheme, credential)) return all;
    redactions++;
    return `${scheme}${space}${MASK}`;
  });

  // The rules below depend on whether a match sits in code or in text (a string literal or comment), so
  // regions are computed on the text as it is now; earlier masks never add or remove quotes.
  let regions = regionsOf(text);
  text = text.replace(
    USER_FLAG,
    (all, flag: string, sep: string, user: string, password: string, offset: number) => {
      if (password === MASK || !isText(mode, regions, offset, offset + all.length)) return all;
      redactions++;
      return `${flag}${sep}${user}:${MASK}`;
    },
  );

  regions = regionsOf(text);
  text = text.replace(KEY_VALUE, (...args: unknown[]) => {
    const all = args[0] as string;
    const offset = args[args.length - 3] as number;
    const g = args[args.length - 1] as Record<string, string | undefined>;
    const prefix = g.prefix ?? "";
    const valueStart = offset + prefix.length;
    const valueEnd = offset + all.length;
    if (prefix.trimEnd().endsWith(":") && precededByTernary(text, offset)) return all;

    const content = g.q1 ?? g.q2 ?? g.q3 ?? g.q4 ?? g.q5;
    if (content !== undefined) {
      if (!quotedValueCounts(mode, regions, valueStart, valueEnd)) return all;
      const masked = maskValue(content);
      if (masked === content) return all;
      redactions++;
      // The value keeps its quotes: only the content between them changes.
      const quoteLength = (all.length - prefix.length - content.length) / 2;
      return `${all.slice(0, prefix.length + quoteLength)}${masked}${all.slice(all.length - quoteLength)}`;
    }
    const bare = g.bare ?? "";
    if (bare.includes(MASK) || isVariableReference(bare)) return all;
    if (!isText(mode, regions, valueStart, valueEnd)) return all;
    redactions++;
    return `${prefix}${g.scheme ?? ""}${MASK}`;
  });

  regions = regionsOf(text);
  text = text.replace(FLAG, (...args: unknown[]) => {
    const all = args[0] as string;
    const flag = args[1] as string;
    const space = args[2] as string;
    const dq = args[3] as string | undefined;
    const sq = args[4] as string | undefined;
    const bare = args[5] as string | undefined;
    const offset = args[6] as number;
    if (!isText(mode, regions, offset, offset + all.length)) return all;
    const value = dq ?? sq ?? bare ?? "";
    if (value === "" || value.includes(MASK) || isVariableReference(value)) return all;
    redactions++;
    const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : "";
    return `${flag}${space}${quote}${MASK}${quote}`;
  });

  return { text, redactions };
}

/** Masks a literal value, keeping an auth scheme (`Bearer ****`) so the audit shows what kind it was. */
function maskValue(content: string): string {
  // Already masked, possibly by a token-format rule that kept a prefix (`eyJ****`).
  if (content === "" || content.includes(MASK)) return content;
  const scheme = AUTH_SCHEME.exec(content);
  if (scheme) {
    return content.length === scheme[0].length ? content : `${scheme[0]}${MASK}`;
  }
  // A template literal that is only a hole (`${pw}`) is code, not a secret.
  if (/^\$\{[^}]*\}$/.test(content)) return content;
  return MASK;
}

/**
 * A bearer token has a digit or a token symbol somewhere; Basic credentials are base64 of `user:password`.
 * Plain words ("Bearer tokens", "Basic authentication") are neither.
 */
function looksLikeCredential(scheme: string, credential: string): boolean {
  if (scheme.toLowerCase() === "basic" && /^[A-Za-z0-9+/]+=*$/.test(credential)) {
    if (Buffer.from(credential, "base64").toString("latin1").includes(":")) return true;
  }
  return /[0-9._~+/-]/.test(credential);
}

/** `$PGPASS`, `${TOKEN}`, `%API_KEY%`: a reference to where the secret is, not the secret. */
function isVariableReference(value: string): boolean {
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value) || /^%[A-Za-z_][A-Za-z0-9_]*%$/.test(value);
}

/** `cond ? token : "x"` is a ternary, not an object key. */
function precededByTernary(text: string, keyStart: number): boolean {
  let i = keyStart - 1;
  while (i >= 0 && /\s/.test(text[i] ?? "")) i--;
  return text[i] === "?";
}

/** True when [start, end) lies inside a string literal or comment (or everything is text). */
function isText(mode: RedactMode, regions: readonly Region[], start: number, end: number): boolean {
  if (mode === RedactModes.TEXT) return true;
  return regions.some((r) => r.start < start && end <= r.end + 1 && start <= r.end);
}

/**
 * A quoted value counts when its quotes are a real literal in code (`password: "x"`), or when it is quoted
 * text inside a larger string (`'{"password":"x"}'`) — but not when the "quotes" are the end of one string
 * and the start of the next (`"?token=" + t + "&x"`).
 */
function quotedValueCounts(
  mode: RedactMode,
  regions: readonly Region[],
  start: number,
  end: number,
): boolean {
  if (mode === RedactModes.TEXT) return true;
  return regions.some(
    (r) => (r.start === start && r.end === end - 1) || (r.start < start && end - 1 < r.end),
  );
}

/**
 * String literals and comments of a line of JavaScript, found with a small scanner (not a parser): good
 * enough to tell text from code, and when it guesses wrong it only masks more.
 */
function regionsOf(text: string): Region[] {
  const regions: Region[] = [];
  const n = text.length;
  let prev = "";
  let i = 0;
  while (i < n) {
    const c = text[i] as string;
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === "\\") j++;
        else if (c !== "`" && text[j] === "\n") break;
        j++;
      }
      regions.push({ start: i, end: Math.min(j, n) });
      prev = c;
      i = j + 1;
      continue;
    }
    if (c === "/" && text[i + 1] === "/") {
      const nl = text.indexOf("\n", i);
      const end = nl === -1 ? n : nl;
      regions.push({ start: i, end });
      i = end;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      const end = close === -1 ? n : close + 1;
      regions.push({ start: i, end });
      i = end + 1;
      continue;
    }
    if (c === "/" && (prev === "" || "(,=:[!&|?{};+-*%<>~^".includes(prev))) {
      // A regex literal: skip it so a quote inside (/"/) does not open a string.
      let j = i + 1;
      let inClass = false;
      while (j < n && text[j] !== "\n") {
        const d = text[j];
        if (d === "\\") j++;
        else if (d === "[") inClass = true;
        else if (d === "]") inClass = false;
        else if (d === "/" && !inClass) break;
        j++;
      }
      prev = "/";
      i = j + 1;
      continue;
    }
    if (!/\s/.test(c)) prev = c;
    i++;
  }
  return regions;
}
