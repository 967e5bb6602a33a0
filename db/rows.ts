/** What `db.execute` resolves to: postgres.js returns an array, PGlite an object with `rows`. */
export type Rows<T> = T[] | { rows: T[] };

/** The rows of a raw query, whichever driver ran it. */
export function rowsOf<T>(r: Rows<T>): T[] {
  return Array.isArray(r) ? r : r.rows;
}
