import type { CodegenConfig } from "@graphql-codegen/cli";

/** The typed client is generated from the committed SDL; CI fails when either is stale. */
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["client/operations/*.ts"],
  ignoreNoDocuments: false,
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
