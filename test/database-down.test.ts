import { describe, expect } from "vitest";
import { it, suiteTokens } from "./fixture.js";
import { backends, codeOf, component, gql, startService, uuid } from "./harness.js";
import { START, startInput } from "./ops.js";

const { writer } = await suiteTokens();

describe.each(backends())("the database going away on %s", (backend) => {
  it("turns readiness to 503 and answers writes with SERVICE_UNAVAILABLE, not a crash", async ({ defer }) => {
    const svc = await startService(backend);
    // The test closes the service's database: stopping the service may fail to close it again.
    defer(() => svc.stop().catch(() => {}));
    expect((await fetch(`${svc.origin}/ready`)).status).toBe(200);
    await svc.db.database.close();
    const ready = await fetch(`${svc.origin}/ready`);
    expect(ready.status).toBe(503);
    const r = await gql(svc.url, START, { input: startInput(component(), uuid()) }, writer);
    expect(codeOf(r.body)).toBe("SERVICE_UNAVAILABLE");
    expect(r.body.errors![0]!.message).toMatch(/database is unavailable/);
    // The process is still serving.
    expect((await fetch(`${svc.origin}/health`)).status).toBe(200);
  });
});
