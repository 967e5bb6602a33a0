/** A connection URL (DATABASE_URL, REDIS_URL) fit for a log line or an error: its password masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "(invalid url)";
  }
}
