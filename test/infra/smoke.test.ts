import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCycleApp, type CycleApp } from "../support/cycle-app.js";
import { importProfile } from "../../lib/profiles/import.js";
import { contosoProfile } from "../support/cycle-org.js";

const script = join(import.meta.dirname, "..", "..", "scripts", "smoke.sh");
const keys = { function: "smoke-function-key", admin: "smoke-admin-key" };

let app: CycleApp;
beforeAll(async () => {
  app = await startCycleApp([contosoProfile()], { keys });
  // The same organisation with another organisation's password: Exchange refuses it.
  const wrong = { ...contosoProfile(), id: "contoso-wrong-password", auth: { kind: "basic" as const, username: "svc-crm@contoso.com", passwordSetting: "LITWARE_PASSWORD" } };
  expect((await importProfile(app.context.storage, wrong)).ok).toBe(true);
});
afterAll(async () => {
  await app?.stop();
});

/** Runs scripts/smoke.sh with bash, as an operator would after a deployment. */
function smoke(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("bash", [script, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("scripts/smoke.sh against the local host", () => {
  it("passes health, status, metrics and a Test Connection of the named profile", async () => {
    const run = await smoke(app.host.url, keys.function, keys.admin, "contoso");
    expect(run, run.stdout + run.stderr).toMatchObject({ code: 0 });
    const lines = run.stdout.split("\n");
    expect(lines.filter((l) => l.startsWith("ok ")).map((l) => l.split(/\s+/)[1])).toEqual(["health", "status", "metrics", "test-connection"]);
    expect(run.stdout).toMatch(/test-connection\s+contoso: autodiscover, ews and mailbox passed/);
    expect(run.stdout).toMatch(/smoke test passed/);
    expect(run.stdout + run.stderr).not.toContain(keys.admin);
  });

  it("picks the first listed profile when none is named", async () => {
    const run = await smoke(app.host.url, keys.function, keys.admin);
    expect(run, run.stdout + run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/test-connection\s+contoso: autodiscover, ews and mailbox passed/);
  });

  it("fails naming the checks a wrong key breaks", async () => {
    const run = await smoke(app.host.url, "not-the-key", "not-the-admin-key", "contoso");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ok\s+health/m);
    expect(run.stdout).toMatch(/^FAIL\s+status\s+HTTP 401/m);
    expect(run.stderr).toContain("smoke test failed: status metrics test-connection");
  });

  it("fails naming the Test Connection step that failed and its category", async () => {
    const run = await smoke(app.host.url, keys.function, keys.admin, "contoso-wrong-password");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL\s+test-connection\s+contoso-wrong-password: failed at autodiscover \(auth-failed\)/m);
    expect(run.stderr).toContain("smoke test failed: test-connection");
  });

  it("fails naming health when nothing answers, and refuses wrong arguments", async () => {
    const down = await smoke("http://127.0.0.1:9", keys.function);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("smoke test failed: health status metrics");
    expect((await smoke(app.host.url)).code).toBe(2);
  });
});
