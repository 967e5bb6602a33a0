import { lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "../builder.js";
import "./sessions.js";
import "./session-subscriptions.js";
import "./analytics.js";
import "./trail.js";
import "./access-log.js";
import "./retention.js";
import "./reviews.js";
import "./alerts.js";

export const schema = builder.toSchema();

/** The SDL committed as `schema.graphql`, sorted so diffs stay readable. */
export function printSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
