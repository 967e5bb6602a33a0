// Writes the SDL printed from the Pothos schema to schema.graphql (the input of codegen.ts).
import { writeFileSync } from "node:fs";
import { printSdl } from "../api/schema/index.js";

const target = new URL("../../schema.graphql", import.meta.url);
writeFileSync(target, printSdl());
console.log(`wrote ${target.pathname}`);
