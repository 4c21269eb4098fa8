import { afterAll, describe, expect, it } from "vitest";
import { copyFile, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agreementKinds } from "../lib/model/dynamics.js";
import { headerOf } from "../local/demo/smtp-sink.js";
import { demoStories } from "../sim/demo-story.js";
import { tailspinSyncClientId } from "../sim/demo.js";

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

describe("npm start with nothing configured but local.settings.sample.json copied as the README says", () => {
  it("runs the demo from the simulated Dataverse: the status fills as the banner's stories say, and the owners it names get one email each", async () => {
    const { runLocalHost } = await import("../local/main.js");
    const cwd = await mkdtemp(join(tmpdir(), "checkout-"));
    await copyFile(new URL("../local.settings.sample.json", import.meta.url), join(cwd, "local.settings.json"));
    await copyFile(new URL("../host.json", import.meta.url), join(cwd, "host.json"));
    const mailDir = join(cwd, "demo-mail");
    const out: string[] = [];
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    finished = runLocalHost({
      argv: ["--port", "0"],
      cwd,
      // Faster timers than the demo's own, so the test does not wait half a minute for the notifier.
      env: { SCHEDULE_CRON: "*/2 * * * * *", NOTIFY_CRON: "*/3 * * * * *" },
      stdout: (line) => out.push(line),
      stderr: (line) => out.push(line),
      stopSignal,
    });
    // The walkthrough is printed after the host's list (it reads the profiles first): wait for both.
    const url = await until("the host to start and the demo walkthrough", async () => {
      const text = out.join("\n");
      return text.includes("DEMO:") ? /running on (http:\/\/localhost:\d+)/.exec(text)?.[1] : undefined;
    });
    const banner = out.join("\n");
    expect(banner).toContain("DEMO:");
    // The sample's blank keys are random keys, and an empty key is refused.
    const key = /function key: (\S+)/.exec(banner)?.[1] ?? "";
    expect(key).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect((await fetch(`${url}/api/profiles/contoso-ex2016?code=`, { method: "DELETE" })).status).toBe(401);
    // The storage connection string is printed for the command line.
    expect(banner).toMatch(/export AzureWebJobsStorage='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=[^']+;TableEndpoint=http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1;'/);
    expect(banner).toMatch(/well-known development key/);
    const bannerLines = banner.split("\n").map((l) => l.trim().replace(/\s+/g, " "));
    for (const [id, story] of Object.entries(demoStories)) expect(bannerLines).toContain(`${id} ${story.shows}`);

    // The profiles come from the simulated Dataverse; Woodgrove has no credentials in the map file and is never probed.
    // A profile's first cycle may still be rolling up (health "unknown", or a figure from half its mailboxes): the
    // status is read until every profile shows its story's health, and the last reading is what a timeout reports.
    const expectedHealth = Object.fromEntries(Object.entries(demoStories).map(([id, s]) => [id, s.health]));
    let lastHealth: Record<string, string> = {};
    const status = await until("every profile's health as its story says", async () => {
      const response = await fetch(`${url}/api/status`, { headers: { "x-functions-key": key } });
      const body = (await response.json()) as { profiles: { profileId: string; health: string; owner: string; name: string }[] };
      lastHealth = Object.fromEntries(body.profiles.map((p) => [p.profileId, p.health]));
      return JSON.stringify(Object.entries(lastHealth).sort()) === JSON.stringify(Object.entries(expectedHealth).sort()) ? body : undefined;
    }).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${JSON.stringify(lastHealth)}`);
    });
    const health = Object.fromEntries(status.profiles.map((p) => [p.profileId, p.health]));
    expect(health).toEqual(Object.fromEntries(Object.entries(demoStories).map(([id, s]) => [id, s.health])));

    // Dynamics 365's own verdict beside the probe's: every class appears in the status of a demo profile.
    type Detail = { profile: { dynamics: { credentials: string; needs?: string; agreement: Record<string, number> } | null }; dynamicsMailboxes: { address: string; agreement: string; explanation: string; alerts: { text: string }[] }[] | null };
    const detail = async (id: string) => (await (await fetch(`${url}/api/status/${id}`, { headers: { "x-functions-key": key } })).json()) as Detail;
    const details = Object.fromEntries(await Promise.all(Object.keys(demoStories).map(async (id) => [id, await detail(id)] as const)));
    const classes = new Set(Object.values(details).flatMap((d) => (d.dynamicsMailboxes ?? []).map((m) => m.agreement)));
    expect([...classes].sort()).toEqual([...agreementKinds].sort());
    const mallory = details["fabrikam-ex2019"]!.dynamicsMailboxes!.find((m) => m.address === "mallory@fabrikam.com")!;
    expect(mallory).toMatchObject({ agreement: "both-fail", explanation: expect.stringMatching(/Exchange side/), alerts: [{ text: expect.stringMatching(/does not exist/) }] });
    const erin = details["contoso-ex2016"]!.dynamicsMailboxes!.find((m) => m.address === "erin@contoso.com")!;
    expect(erin).toMatchObject({ agreement: "dynamics-fails-probe-passes", explanation: expect.stringMatching(/CRM side: Dynamics has postponed processing/) });
    expect(details["woodgrove-ex2019"]!.profile.dynamics).toMatchObject({ credentials: "missing", needs: expect.stringMatching(/map file must give username and passwordSetting/) });
    const metrics = await (await fetch(`${url}/api/metrics`, { headers: { "x-functions-key": key } })).text();
    expect(metrics).toMatch(/exchange_sync_dynamics_agreement_mailboxes\{profile="fabrikam-ex2019",class="both-fail"\} [1-9]/);

    // Tailspin and Wingtip run on Microsoft Graph; Test Connection shows Wingtip's EWS block and missing permission,
    // and whose answers they are: Tailspin's monitor signs in as its own app, Wingtip's as synchronization's.
    const adminKey = /admin key: +(\S+)/.exec(banner)?.[1] ?? "";
    const testConnection = async (id: string) => {
      const response = await fetch(`${url}/api/profiles/${id}/test-connection`, { method: "POST", headers: { "x-functions-key": adminKey, "content-type": "application/json" }, body: "{}" });
      return (await response.json()) as { steps: { step: string; ok: boolean | null }[]; readiness?: { ews: string; graphPermissions: { missing: string[] }; speaksFor: { kind: string } } };
    };
    const tailspin = await testConnection("tailspin-online");
    expect(tailspin.steps.map((step) => [step.step, step.ok])).toEqual([["token", true], ["graph", true], ["mailbox", true]]);
    expect(tailspin.readiness).toMatchObject({ ews: "allowed", graphPermissions: { missing: [] }, speaksFor: { kind: "monitor-app", syncApp: { clientId: tailspinSyncClientId } } });
    const wingtip = await testConnection("wingtip-online");
    expect(wingtip.steps.map((step) => [step.step, step.ok])).toEqual([["token", true], ["graph", true], ["mailbox", false]]);
    expect(wingtip.readiness).toMatchObject({ ews: "blocked-by-policy", graphPermissions: { missing: ["Tasks.ReadWrite.All"] }, speaksFor: { kind: "sync-app" } });

    const alerted = status.profiles.filter((p) => demoStories[p.profileId]?.ownerAlerted);
    expect(alerted.length).toBeGreaterThan(0);
    for (const p of alerted) expect(banner).toContain(`${p.owner} (${p.name})`);
    // At the default LOG_LEVEL (info) nothing is written per run or per request.
    expect(out.join("\n")).not.toMatch(/succeeded in|\(http GET|no email|enqueued in/);

    const files = await until("the alert emails", async () => {
      const found = await readdir(mailDir);
      return found.length >= alerted.length ? found : undefined;
    });
    const messages = await Promise.all(files.map((f) => readFile(join(mailDir, f), "utf8")));
    const recipients = messages.map((m) => headerOf(m, "To")).sort();
    expect(recipients).toEqual(alerted.map((p) => p.owner).sort());
    expect(headerOf(messages.find((m) => headerOf(m, "To") === "it-ops@fabrikam.com")!, "Subject")).toMatch(/Fabrikam Exchange 2019: 60% of mailboxes failed \(6 of 10\)/);
    // Several more notifier runs go by: still one email per profile within the hour.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(await readdir(mailDir)).toHaveLength(alerted.length);
  }, 120_000);
});
