/**
 * The CLI's help beyond the option lists: an example for every command (in one table, so none is
 * forgotten) and shell completion generated from the program itself, so it can never list a command or
 * an option the CLI does not have.
 */
import { type Command, InvalidArgumentError } from "commander";

/** Examples per command path ("buffer status" for a subcommand). */
const EXAMPLES: Record<string, string[]> = {
  serve: [
    "npx session-buddy serve",
    "DATABASE_URL=postgres://u:p@db/sb SESSION_BUDDY_SECRET=… npx session-buddy serve --host 0.0.0.0",
  ],
  "login-link": [
    "npx session-buddy login-link",
    "npx session-buddy login-link --graphiql",
    'xdg-open "$(npx session-buddy login-link)"',
  ],
  migrate: ["DATABASE_URL=postgres://u:p@db/sb npx session-buddy migrate"],
  "signing-key": [
    "npx session-buddy signing-key",
    "npx session-buddy signing-key --out /run/secrets/sb-signing.jwk   # then SESSION_BUDDY_SIGNING_KEY=that path",
  ],
  token: [
    "npx session-buddy token --scope sessions:write --ttl 1h",
    'npx session-buddy token --sub ana --scope "sessions:read audit:read" --ttl 8h',
    "npx session-buddy token --scope sessions:write --component crackerjack akosha",
    "npx session-buddy token --sub claude --scope sessions:write --actor-kind AI_AGENT --delegated-by alice",
  ],
  "list-sessions": [
    "npx session-buddy list-sessions --component crackerjack --status ACTIVE",
    "npx session-buddy list-sessions --after 2026-11-24 --limit 500 --format csv > sessions.csv",
  ],
  "show-session": [
    "npx session-buddy show-session 0a1b2c3d               # the short id the tables show",
    "npx session-buddy show-session 0193c0de-0000-7000-8000-00000a1b2c3d --format json | jq .events",
  ],
  watch: ["npx session-buddy watch", "npx session-buddy watch --component mahavishnu --format json"],
  search: [
    'npx session-buddy search "drop table" --index commands --since 7d',
    "npx session-buddy search deploy --component mahavishnu --actor alice --format json",
  ],
  stats: [
    "npx session-buddy stats",
    "npx session-buddy stats --days 30 --format json",
    "npx session-buddy stats --format json | jq '.actorKinds[] | select(.actorKind == \"AI_AGENT\")'",
  ],
  alerts: [
    "npx session-buddy alerts                          # the latest deliveries and how each went",
    "npx session-buddy alerts --status FAILED          # what on-call were not told",
    "npx session-buddy alerts --session 0a1b2c3d --format json",
  ],
  buffer: ["npx session-buddy buffer status", "npx session-buddy buffer replay"],
  "buffer status": ["npx session-buddy buffer status", "npx session-buddy buffer status --format json"],
  "buffer replay": ["npx session-buddy buffer replay"],
  shell: ["npx session-buddy shell"],
  export: [
    "npx session-buddy export --signed --session 0a1b2c3d -o session.bundle.json   # then: verify session.bundle.json",
    "npx session-buddy export --session 0a1b2c3d --format asciicast -o s.cast       # then: asciinema play s.cast",
    "npx session-buddy export --session 0a1b2c3d --format csv                        # its events",
    "npx session-buddy export --format ndjson --component crackerjack --since 30d -o sessions.ndjson",
  ],
  play: [
    "npx session-buddy play 0a1b2c3d                 # as it happened, pauses capped at 2 s",
    "npx session-buddy play 0a1b2c3d --speed 4       # four times faster",
    "npx session-buddy play 0a1b2c3d --from 12 --no-wait",
  ],
  review: [
    "npx session-buddy review --pending                # the queue, with why each session is in it",
    "npx session-buddy review 0a1b2c3d                 # its sensitive periods and reviews so far",
    'npx session-buddy review 0a1b2c3d --approve --note "refund matches OPS-1234"',
    'npx session-buddy review 0a1b2c3d --flag --note "read customer rows beyond the ticket"',
  ],
  verify: [
    "npx session-buddy verify session.bundle.json --key jwks.json   # offline, with a copy of the keys",
    "npx session-buddy verify --all",
    "npx session-buddy verify --all --since 7d --format json",
    "curl -s http://127.0.0.1:8678/checkpoints > witness.json; npx session-buddy verify --all --witness witness.json",
  ],
  purge: [
    "npx session-buddy purge --before 90d                      # a dry run: what would go, what is kept",
    "npx session-buddy purge --before 2026-01-01 --component crackerjack --yes",
  ],
  hold: ['npx session-buddy hold 0a1b2c3d --reason "OPS-1234 litigation"'],
  release: ["npx session-buddy release 0a1b2c3d"],
  completion: [
    "npx session-buddy completion bash > ~/.local/share/bash-completion/completions/session-buddy",
    'eval "$(npx session-buddy completion zsh)"',
  ],
};

function walk(cmd: Command, path: string[] = []): [string, Command][] {
  return cmd.commands.flatMap((c) => {
    const p = [...path, c.name()];
    return [[p.join(" "), c] as [string, Command], ...walk(c, p)];
  });
}

/**
 * Adds each command's examples to its `--help`.
 *
 * @example
 * addExamples(program); // session-buddy token --help ends with "Examples:"
 */
export function addExamples(program: Command): void {
  for (const [path, cmd] of walk(program)) {
    const lines = EXAMPLES[path];
    if (!lines?.length || path === "help") continue;
    cmd.addHelpText("after", `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}`);
  }
}

/** The words completion offers after each command path ("" for the top level). */
function completionTable(program: Command): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const words = (c: Command) => [
    ...c.commands.map((s) => s.name()).filter((n) => n !== "help"),
    ...c.options.flatMap((o) => [o.long, o.short].filter((x): x is string => Boolean(x))),
    "--help",
  ];
  table.set("", words(program));
  for (const [path, cmd] of walk(program)) table.set(path, words(cmd));
  return table;
}

function bashScript(program: Command): string {
  const name = program.name();
  const fn = `_${name.replace(/\W/g, "_")}`;
  const cases = [...completionTable(program)]
    .map(([path, words]) => `    ${JSON.stringify(path)}) words=${JSON.stringify(words.join(" "))} ;;`)
    .join("\n");
  return `# bash completion for ${name} (generated by: ${name} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case "\${path:+$path }$w" in
${[...completionTable(program).keys()]
  .filter(Boolean)
  .map((p) => `      ${JSON.stringify(p)}) path="${p}" ;;`)
  .join("\n")}
    esac
  done
  local words
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F ${fn} ${name}
`;
}

function zshScript(program: Command): string {
  return `#compdef ${program.name()}
# zsh completion for ${program.name()} (generated by: ${program.name()} completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashScript(program)}`;
}

/**
 * `completion bash|zsh`: prints a completion script for the program as it is.
 *
 * @example
 * registerCompletionCommand(program, out);
 */
export function registerCompletionCommand(program: Command, out: (text: string) => void): void {
  program
    .command("completion")
    .description("print a shell completion script (bash or zsh)")
    .argument("<shell>", "bash or zsh", (v: string) => {
      if (v !== "bash" && v !== "zsh") {
        throw new InvalidArgumentError("must be bash or zsh");
      }
      return v;
    })
    .action((shell: "bash" | "zsh") => out(shell === "bash" ? bashScript(program) : zshScript(program)));
}
