/**
 * A GraphQL document nested thousands deep (an inline object argument `{a:{a:…}}`) overflows the
 * parser's recursion before any limit of graphql-armor or of the input models sees it. This scan counts
 * brace and bracket nesting outside strings and comments, in one pass without recursion, so such a
 * document is refused as bad input first.
 */
import { GraphQLError } from "graphql";
import { ErrorCodes } from "../contract/errors.js";
import { LIMITS } from "../contract/limits.js";

/** The deepest nesting of `{`/`[` in a document, strings and comments skipped. */
export function documentNesting(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === '"') {
      const block = source.startsWith('"""', i);
      i += block ? 3 : 1;
      while (i < source.length) {
        if (source[i] === "\\") i += 2;
        else if (block ? source.startsWith('"""', i) : source[i] === '"' || source[i] === "\n") break;
        else i++;
      }
      if (block) i += 2;
    } else if (c === "{" || c === "[") {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === "}" || c === "]") {
      depth--;
    }
  }
  return deepest;
}

/** The error for a document nested deeper than {@link LIMITS.documentNesting}, or undefined. */
export function nestingError(source: unknown): GraphQLError | undefined {
  if (typeof source !== "string" || documentNesting(source) <= LIMITS.documentNesting) return undefined;
  return new GraphQLError(
    `the document is nested more than ${LIMITS.documentNesting} levels deep (braces and brackets)`,
    { extensions: { code: ErrorCodes.BAD_USER_INPUT, reason: "DOCUMENT_TOO_DEEP", http: { status: 400 } } },
  );
}
