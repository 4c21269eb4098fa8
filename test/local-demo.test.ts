import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { headerOf } from "../local/demo/smtp-sink.js";

let stop: () => void = () => {};
let finished: Promise<number> | undefined;
afterAll(async () => {
  stop();
  await finished;
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("npm start with nothing configured", () => {
  it("runs the demo from the simulated Dataverse: the status endpoint fills and the failing profile's owner gets one email", async () => {
    const { runLocalHost } = await import("../local/main.js");
    const mailDir = await mkdtemp(join(tmpdir(), "demo-mail-"));
    const out: string[] = [];
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    finished = runLocalHost({
      argv: ["--port", "0"],
      // Faster timers than the demo's own, so the test does not wait half a minute for the notifier.
      env: { DEMO_MAIL_DIR: mailDir, SCHEDULE_CRON: "*/2 * * * * *", NOTIFY_CRON: "*/3 * * * * *", LOCAL_FUNCTION_KEY: "demo-key" },
      stdout: (line) => out.push(line),
      stderr: (line) => out.push(line),
      stopSignal,
    });
    const url = await until("the host to start", async () => /running on (http:\/\/localhost:\d+)/.exec(out.join("\n"))?.[1]);
    expect(out.join("\n")).toContain("DEMO:");

    // The profiles come from the simulated Dataverse; Woodgrove has no credentials in the map file and is never probed.
    const status = await until("the probed profiles with health", async () => {
      const response = await fetch(`${url}/api/status`, { headers: { "x-functions-key": "demo-key" } });
      const body = (await response.json()) as { profiles: { profileId: string; health: string }[] };
      return body.profiles.filter((p) => p.health !== "unknown").length === 4 && body.profiles.length === 5 ? body : undefined;
    });
    const health = Object.fromEntries(status.profiles.map((p) => [p.profileId, p.health]));
    expect(health).toEqual({ "contoso-ex2016": "ok", "fabrikam-ex2019": "failing", "northwind-ex2016": "failing", "tailspin-online": "ok", "woodgrove-ex2019": "unknown" });

    const files = await until("the alert emails", async () => {
      const found = await readdir(mailDir);
      return found.length >= 2 ? found : undefined;
    });
    const messages = await Promise.all(files.map((f) => readFile(join(mailDir, f), "utf8")));
    const recipients = messages.map((m) => headerOf(m, "To")).sort();
    expect(recipients).toEqual(["admin@northwind.com", "it-ops@fabrikam.com"]);
    expect(headerOf(messages.find((m) => headerOf(m, "To") === "it-ops@fabrikam.com")!, "Subject")).toMatch(/Fabrikam Exchange 2019: 60% of mailboxes failed \(6 of 10\)/);
    // Several more notifier runs go by: still one email per profile within the hour.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(await readdir(mailDir)).toHaveLength(2);
  }, 120_000);
});
