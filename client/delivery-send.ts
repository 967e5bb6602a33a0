/** Sending a batch of events so that one bad record never takes good ones with it. */
import { classifyFailure, FailureClasses } from "./failure-class.js";
import type { SessionEventInput } from "./gql/graphql.js";
import { GraphQLRequestError } from "./graphql-http.js";
import type { PendingRecord } from "./pending-store.js";
import type { RecordEventsResult, RequestContext, Transport } from "./transport.js";
import type { ClientStats } from "./types.js";

/**
 * Sends a batch; when the service refuses the whole request as invalid (one bad event fails GraphQL's
 * variable coercion for all), halves it until the bad events are isolated. Counts the extra requests and
 * the duplicates the service reported in `stats`.
 *
 * @example
 * const result = await sendEvents(transport, records, { token, timeoutMs: 10_000, signal }, stats);
 */
export async function sendEvents(
  transport: Transport,
  records: PendingRecord[],
  ctx: RequestContext,
  stats: Pick<ClientStats, "requests" | "duplicates">,
): Promise<RecordEventsResult> {
  try {
    const result = await transport.recordEvents(
      records.map((r) => r.body as SessionEventInput),
      ctx,
    );
    stats.duplicates += result.duplicates;
    return result;
  } catch (error) {
    if (!(error instanceof GraphQLRequestError) || classifyFailure(error) !== FailureClasses.REJECT)
      throw error;
    if (records.length === 1) {
      const r = records[0]!;
      return {
        accepted: 0,
        duplicates: 0,
        rejected: [{ eventId: r.key, code: error.code, message: error.message }],
      };
    }
    const mid = Math.ceil(records.length / 2);
    const a = await sendEvents(transport, records.slice(0, mid), ctx, stats);
    stats.requests++;
    const b = await sendEvents(transport, records.slice(mid), ctx, stats);
    stats.requests++;
    return {
      accepted: a.accepted + b.accepted,
      duplicates: a.duplicates + b.duplicates,
      rejected: [...a.rejected, ...b.rejected],
    };
  }
}
