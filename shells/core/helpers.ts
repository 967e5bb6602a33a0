/**
 * The helper registry of a shell: the names an operator can type at the prompt (helpers, their aliases
 * and read-on-access properties), each claimed once, and how they are listed by `help()` and the banner.
 */
import type pc from "picocolors";
import type { ArgSpec } from "./args.js";
import type { HelperFn, HelperSpec, PropertySpec } from "./definition.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export interface RegisteredHelper extends HelperSpec {
  name: string;
  builtin: boolean;
  aliases: readonly string[];
  /** The arguments it takes, checked before each call; absent: not checked. */
  args?: readonly ArgSpec[] | undefined;
  /** Refused outside sensitive mode. */
  requiresSensitive?: boolean | undefined;
}

export type Colors = ReturnType<typeof pc.createColors>;

export class HelperRegistry {
  readonly helpers = new Map<string, RegisteredHelper>();
  readonly properties = new Map<string, PropertySpec>();
  private readonly names = new Set<string>();

  /**
   * Registers a helper; a snake_case name also gets its camelCase alias (`show_hooks` → `showHooks`).
   *
   * @example
   * registry.addHelper("show_hooks", "show_hooks()", "The hooks", () => hooks); // also showHooks
   */
  addHelper(
    name: string,
    signature: string,
    description: string,
    fn: HelperFn,
    options: {
      aliases?: readonly string[] | undefined;
      builtin?: boolean;
      args?: readonly ArgSpec[] | undefined;
      requiresSensitive?: boolean | undefined;
    } = {},
  ): void {
    const camel = name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    const aliases = [...new Set([...(camel !== name ? [camel] : []), ...(options.aliases ?? [])])];
    for (const n of [name, ...aliases]) this.claim(n);
    this.helpers.set(name, {
      name,
      signature,
      description,
      fn,
      aliases,
      builtin: options.builtin ?? false,
      ...(options.args ? { args: options.args } : {}),
      ...(options.requiresSensitive ? { requiresSensitive: true } : {}),
    });
  }

  /** Registers a value computed on each access, listed with the helpers. */
  addProperty(name: string, description: string, get: () => unknown): void {
    this.claim(name);
    this.properties.set(name, { get, description });
  }

  /** The helper a name or alias stands for. */
  helper(name: string): RegisteredHelper | undefined {
    return [...this.helpers.values()].find((h) => h.name === name || h.aliases.includes(name));
  }

  /** One line per helper (built-ins last) and property, signatures aligned, as the banner and `help()` show them. */
  lines(c: Colors): string[] {
    const entries: [string, string][] = [];
    const ordered = [...this.helpers.values()].sort((a, b) => Number(a.builtin) - Number(b.builtin));
    for (const h of ordered) {
      const aliases = h.aliases.length > 0 ? c.dim(` (${h.aliases.join(", ")})`) : "";
      const sensitive = h.requiresSensitive ? c.red(" [sensitive]") : "";
      entries.push([h.signature, `${h.description}${sensitive}${aliases}`]);
    }
    for (const [name, spec] of this.properties) entries.push([name, spec.description]);
    const width = Math.max(...entries.map(([sig]) => sig.length));
    return entries.map(([sig, text]) => `    ${c.cyan(sig.padEnd(width))}  ${text}`);
  }

  private claim(name: string): void {
    if (!IDENTIFIER.test(name)) {
      throw new Error(`AdminShell: helper name "${name}" is not a JavaScript identifier`);
    }
    if (this.names.has(name)) throw new Error(`AdminShell: helper name "${name}" is already taken`);
    this.names.add(name);
  }
}
