import type { CodegenConfig } from "@graphql-codegen/cli";
import { stripIgnoredCharacters } from "graphql";

/**
 * Each generated document as one line without ignored characters: it is what goes over the wire, and
 * the dashboard's minified bundle carries every document of the product (the client preset's
 * `graphql()` map cannot be tree-shaken), so the printed, indented form would add hundreds of lines.
 * A document with a backslash or `${` is left as printed, since its escapes would need undoing first.
 */
function compactDocuments(path: string, content: string): string {
  if (!path.endsWith("graphql.ts")) return content;
  return content.replace(/new TypedDocumentString\(`([^`]*)`/g, (whole, doc: string) =>
    doc.includes("\\") || doc.includes("${")
      ? whole
      : `new TypedDocumentString(\`${stripIgnoredCharacters(doc)}\``,
  );
}

/**
 * The typed operations are generated from the committed SDL; CI fails when either is stale. Tests' own
 * documents (test/ops.ts) are checked against the schema the same way.
 */
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["client/operations/*.ts", "test/ops.ts"],
  ignoreNoDocuments: false,
  hooks: { beforeOneFileWrite: compactDocuments },
  generates: {
    "client/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        emitLegacyCommonJSImports: false,
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown", ID: "string" },
        documentMode: "string",
      },
    },
  },
};

export default config;
