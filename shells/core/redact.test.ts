import { describe, expect, it } from "vitest";
import { MASK, RedactModes, redact } from "./redact.js";

// A JWT shaped like the service's own tokens (header {"alg":"HS256","typ":"JWT"}).
const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInNjb3BlIjoic2Vzc2lvbnM6d3JpdGUifQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

describe("redact: secrets are masked", () => {
  const positives: [string, string, string, number?][] = [
    ["key=value inside a string", 'const t = "password=hunter2"', 'const t = "password=****"'],
    [
      "object literal, double quotes",
      'login({ user: "bob", password: "hunter2" })',
      'login({ user: "bob", password: "****" })',
    ],
    ["object literal, single quotes", "connect({ passwd: 's3cret' })", "connect({ passwd: '****' })"],
    ["template literal", "auth({ token: `abc123` })", "auth({ token: `****` })"],
    ["quoted JSON key", '({ "api_key": "abc" })', '({ "api_key": "****" })'],
    [
      "JSON inside a single-quoted string",
      `JSON.parse('{"password":"x1"}')`,
      `JSON.parse('{"password":"****"}')`,
    ],
    [
      "escaped JSON inside a string",
      'JSON.parse("{\\"secret\\":\\"x1\\"}")',
      'JSON.parse("{\\"secret\\":\\"****\\"}")',
    ],
    ["env assignment", 'process.env.SESSION_BUDDY_TOKEN = "abc"', 'process.env.SESSION_BUDDY_TOKEN = "****"'],
    ["bracket access", 'cfg["password"] = "x"', 'cfg["password"] = "****"'],
    ["comparison", 'if (pwd === "hunter2") ok()', 'if (pwd === "****") ok()'],
    [
      "camelCase keys",
      '({ apiKey: "k1", accessToken: "t1", clientSecret: "c1" })',
      '({ apiKey: "****", accessToken: "****", clientSecret: "****" })',
      3,
    ],
    [
      "dashed and prefixed keys",
      '({ "x-api-key": "k1", DB_PASSWORD: "p1" })',
      '({ "x-api-key": "****", DB_PASSWORD: "****" })',
      2,
    ],
    [
      "access and private keys",
      '({ aws_secret_access_key: "a", private_key: "b" })',
      '({ aws_secret_access_key: "****", private_key: "****" })',
      2,
    ],
    ["apikey spelled together", '"apikey=abc"', '"apikey=****"'],
    [
      "env-style line in a string",
      'run("PGPASSWORD=hunter2 psql -h db")',
      'run("PGPASSWORD=**** psql -h db")',
    ],
    ["query string", 'get("/x?user=bob&token=abc123&page=2")', 'get("/x?user=bob&token=****&page=2")'],
    ["ODBC connection string", '"Server=db;Uid=sa;Pwd=hunter2;"', '"Server=db;Uid=sa;Pwd=****;"'],
    ["YAML in a string", 'yaml.parse("secret: hunter2")', 'yaml.parse("secret: ****")'],
    ["comment", "connect() // password=hunter2", "connect() // password=****"],
    ["block comment", "/* token: abc123 */ go()", "/* token: **** */ go()"],
    ["--flag value", 'exec("mysql --password hunter2 -h db")', 'exec("mysql --password **** -h db")'],
    ["--flag=value", 'exec("mysql --password=hunter2")', 'exec("mysql --password=****")'],
    ["--flag with quoted value", `exec("tool --api-key 'k 1' --v")`, `exec("tool --api-key '****' --v")`],
    ["curl -u user:pass", 'sh("curl -u admin:hunter2 https://x")', 'sh("curl -u admin:**** https://x")'],
    [
      "authorization header object",
      'fetch(u, { headers: { Authorization: "Bearer abc.def" } })',
      'fetch(u, { headers: { Authorization: "Bearer ****" } })',
    ],
    ["authorization header line", '"Authorization: Bearer xyz123"', '"Authorization: Bearer ****"'],
    ["raw authorization value", '"authorization: xyz123"', '"authorization: ****"'],
    ["basic auth", '"Basic dXNlcjpwYXNz"', '"Basic ****"'],
    ["postgres", 'db("postgres://app:s3cret@db:5432/app")', 'db("postgres://app:****@db:5432/app")'],
    [
      "postgresql",
      '"postgresql://app:s3cret@db/app?sslmode=require"',
      '"postgresql://app:****@db/app?sslmode=require"',
    ],
    ["redis with empty user", '"redis://:pw@localhost:6379/0"', '"redis://:****@localhost:6379/0"'],
    ["rediss", '"rediss://default:pw@cache:6380"', '"rediss://default:****@cache:6380"'],
    ["mysql", '"mysql://root:toor@127.0.0.1/app"', '"mysql://root:****@127.0.0.1/app"'],
    [
      "mongodb+srv with a raw @ in the password",
      '"mongodb+srv://u:p@ss@cluster0/x"',
      '"mongodb+srv://u:****@cluster0/x"',
    ],
    ["amqp", '"amqp://guest:guest@rabbit:5672"', '"amqp://guest:****@rabbit:5672"'],
    ["http basic in a URL", '"https://user:pass@host/path"', '"https://user:****@host/path"'],
    ["URL and query token", '"https://user:pass@host?token=abc"', '"https://user:****@host?token=****"', 2],
    ["JWT", `verify("${JWT}")`, 'verify("eyJ****")'],
    ["JWT without signature", 'x("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")', 'x("eyJ****")'],
    ["bare JWT in text", `Bearer-less ${JWT} here`, "Bearer-less eyJ**** here"],
    ["AWS access key", 'k = "AKIAIOSFODNN7EXAMPLE"', 'k = "AKIA****"'],
    ["AWS temporary key", '"ASIAY34FZKBOKMUTVV7A"', '"ASIA****"'],
    ["GitHub token", '"ghp_abcdefghijklmnopqrstuvwxyz0123456789"', '"ghp_****"'],
    ["GitHub fine-grained token", '"github_pat_11ABCDEFG0123456789_abcdefghijklmnop"', '"github_pat_****"'],
    ["Slack bot token", '"xoxb-123456-789012-abcdef"', '"xoxb-****"'],
    [
      "Slack webhook",
      '"https://hooks.slack.com/services/T000/B000/XXXXXXXX"',
      '"https://hooks.slack.com/services/****"',
    ],
    ["Stripe key", '"sk_live_abcdefghijklmnop1234"', '"sk_live_****"'],
    ["Google API key", '"AIzaSyA1234567890abcdefghijklmnopqrstuv"', '"AIza****"'],
    ["npm token", '"npm_abcdefghijklmnopqrstuvwxyz0123456789"', '"npm_****"'],
    ["Anthropic key", '"sk-ant-api03-abcdefghijklmnopqrstuvwxyz"', '"sk-****"'],
  ];

  it.each(positives)("%s", (_name, input, expected, count = 1) => {
    const result = redact(input);
    expect(result.text).toBe(expected);
    expect(result.redactions).toBe(count);
  });

  it("masks private key blocks, keeping their armour", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nq83s\n-----END RSA PRIVATE KEY-----";
    const result = redact(`load(\`${pem}\`)`);
    expect(result.text).toBe("load(`-----BEGIN RSA PRIVATE KEY-----****-----END RSA PRIVATE KEY-----`)");
    expect(result.redactions).toBe(1);
  });

  it("masks OpenSSH and PGP blocks, and a block cut off before its end", () => {
    expect(
      redact("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----").text,
    ).toBe("-----BEGIN OPENSSH PRIVATE KEY-----****-----END OPENSSH PRIVATE KEY-----");
    expect(
      redact("-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOY\n-----END PGP PRIVATE KEY BLOCK-----").redactions,
    ).toBe(1);
    expect(redact('"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN').text).toBe(
      '"-----BEGIN PRIVATE KEY-----****',
    );
  });

  it("counts every secret on a line", () => {
    const line = `connect({ url: "postgres://a:b@h/db", password: "p", token: "${JWT}" }) // api_key=k`;
    const result = redact(line);
    expect(result.redactions).toBe(4);
    expect(result.text).not.toMatch(/a:b@|"p"|eyJhbGci|api_key=k/);
  });

  it("is idempotent: masking masked text changes nothing", () => {
    for (const [, input] of positives) {
      const once = redact(input);
      expect(redact(once.text)).toEqual({ text: once.text, redactions: 0 });
    }
  });

  it("in text mode masks unquoted values in plain command lines", () => {
    const result = redact("PGPASSWORD=hunter2 psql --password s3cret -h db token = abc", {
      mode: RedactModes.TEXT,
    });
    expect(result.text).toBe("PGPASSWORD=**** psql --password **** -h db token = ****");
    expect(result.redactions).toBe(3);
  });
});

describe("redact: ordinary code is not mangled", () => {
  const negatives: [string, string][] = [
    ["a helper call", "ps()"],
    ["helper with options", "errors({ limit: 10 })"],
    ["secret named but computed", "const token = getToken()"],
    ["secret from a variable", "login({ user, password: pw })"],
    ["secret from the environment", "connect({ password: process.env.DB_PASSWORD })"],
    ["assignment in code", "password=hunter2"],
    ["words that merely contain a secret word", "const tokenizer = new Tokenizer(); const secretary = 1"],
    ["plural and suffixed keys", "({ max_tokens: 100, passwordMinLength: 8, tokenCount: 3, api_key_id: 4 })"],
    ["input type", '({ type: "password", name: "pwd" })'],
    ["ternary", 'const v = a ? token : "fallback"'],
    ["concatenated query string", 'fetch(url + "?token=" + tok + "&x=1")'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the input is source text with a `${…}` on purpose.
    ["template hole", "`token=${t}`"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the input is source text with a `${…}` on purpose.
    ["template literal that is only a hole", "({ password: `${pw}` })"],
    ["empty value", 'const password = ""'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the input is source text with a `${…}` on purpose.
    ["shell variable reference", 'sh("PGPASSWORD=$PGPASS psql; curl -H token:${TOKEN}")'],
    ["flag followed by another flag", 'sh("tool --token --verbose")'],
    ["schema definition", "const schema = z.object({ password: z.string().min(8) })"],
    ["arrow function", "const check = (password) => password.length > 8"],
    ["header lookup", 'req.headers.get("authorization")'],
    ["URL without credentials", 'fetch("http://127.0.0.1:8678/graphql?first=10")'],
    ["git remote", 'clone("git@github.com:org/repo.git")'],
    ["e-mail address", 'notify("ops@example.com")'],
    ["hash and UUID", 'lookup("d41d8cd98f00b204e9800998ecf8427e", "0192f1e0-7c3a-7b1e-9f00-3d2a1b4c5d6e")'],
    ["one base64 segment", 'const header = "eyJhbGciOiJIUzI1NiJ9"'],
    ["prose about auth", 'log("Basic authentication uses Bearer tokens")'],
    ["regex literal", "const re = /token=(\\w+)/; re.test(s)"],
    ["package-like name", 'require("sk-learn-bridge")'],
    ["division", "const ratio = total / count / 2"],
    ["multi-line function", "function f(token) {\n  return token.split('.')\n}"],
    ["top-level await", "const rows = await ps()"],
  ];

  it.each(negatives)("%s", (_name, input) => {
    expect(redact(input)).toEqual({ text: input, redactions: 0 });
  });

  it("never introduces a mask where none was", () => {
    for (const [, input] of negatives) expect(redact(input).text).not.toContain(MASK);
  });
});
