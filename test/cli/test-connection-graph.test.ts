import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import { demoProfiles, demoSecretSettings } from "../../sim/demo-profiles.js";
import { demoClientId, demoClientSecret, demoTenant, tailspinSyncClientId, wingtipClientId, wingtipClientSecret, wingtipTenant, type SimulatedOrg } from "../../sim/index.js";
import { startDemoSim } from "../support/sim.js";

let sim: SimulatedOrg;
let dir: string;
beforeAll(async () => {
  sim = await startDemoSim();
  dir = await mkdtemp(join(tmpdir(), "cli-graph-"));
  await writeFile(join(dir, "ca.pem"), sim.endpoints.caPem);
  for (const p of demoProfiles()) await writeFile(join(dir, `${p.id}.json`), JSON.stringify(p));
});
afterAll(() => sim.stop());

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env: { ...demoSecretSettings(), DNS_SERVERS: sim.dnsServers, TRUSTED_CA_FILE: "ca.pem" }, cwd: dir, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  const connectTo = [`:443:127.0.0.1:${sim.endpoints.httpsPort}`, `:80:127.0.0.1:${sim.endpoints.httpPort}`].flatMap((c) => ["--connect-to", c]);
  const code = await main(["test-connection", ...args, ...connectTo], io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("test-connection on an Exchange Online profile (through Microsoft Graph)", () => {
  it("prints the token, graph and mailbox steps, the readiness object and each mailbox's channels; exit 0 when all pass", async () => {
    const { code, out } = await run(["--profile", "tailspin-online.json", "--mailbox", "zach@tailspintoys.com", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.steps.map((s: { step: string; ok: boolean }) => [s.step, s.ok])).toEqual([["token", true], ["graph", true], ["mailbox", true]]);
    expect(report.steps[2]).toMatchObject({ address: "zach@tailspintoys.com", addressFrom: "requested" });
    expect(report.mailboxes).toEqual([{ address: "zach@tailspintoys.com", ok: true, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" }, elapsedMs: expect.any(Number) }]);
    expect(report.readiness).toEqual({
      ews: "allowed",
      ewsShutdown: "2027-04-01",
      ewsDaysLeft: expect.any(Number),
      graphPermissions: { status: "checked", granted: expect.arrayContaining(["Mail.ReadWrite", "Tasks.ReadWrite.All"]), missing: [] },
      // The profile names synchronization's app (syncApp), which is not the one the monitor signs in as.
      speaksFor: { kind: "monitor-app", app: { tenantId: demoTenant, clientId: demoClientId }, syncApp: { tenantId: demoTenant, clientId: tailspinSyncClientId } },
    });
    expect(out).not.toContain(demoClientSecret);
    const text = await run(["--profile", "tailspin-online.json", "--mailbox", "zach@tailspintoys.com"]);
    expect(text.out).toContain(
      `Speaks for:        the monitor's app, not synchronization's: synchronization uses app ${tailspinSyncClientId}; the monitor signed in as app ${demoClientId} (both in tenant ${demoTenant}), so these answers are for app ${demoClientId} — check app ${tailspinSyncClientId} the same way`,
    );
  });

  it("exits 1 for Wingtip Toys and says why in text: EWS blocked by policy, Tasks.ReadWrite.All missing, the tasks channel failing", async () => {
    const { code, out } = await run(["--profile", "wingtip-online.json", "--mailbox", "amara@wingtiptoys.com"]);
    expect(code).toBe(1);
    expect(out).toMatch(/PASS {2}token +\d+ ms {2}https:\/\/login\.microsoftonline\.com\//);
    expect(out).toMatch(/PASS {2}graph +\d+ ms {2}https:\/\/graph\.microsoft\.com\/v1\.0\/\$batch/);
    expect(out).toMatch(/FAIL {2}mailbox /);
    expect(out).toMatch(/FAIL {2}amara@wingtiptoys\.com {2}incoming success, outgoing success, appointments\/contacts\/tasks failure/);
    expect(out).toMatch(/permission-missing \(Authorization_RequestDenied, permanent\)/);
    expect(out).toMatch(/Readiness for the EWS shutdown in Exchange Online on 2027-04-01 \(\d+ days left\)/);
    expect(out).toMatch(/EWS: +BLOCKED BY POLICY.*EWS is blocked by policy for this user or tenant/);
    expect(out).toMatch(/Graph permissions: MISSING Tasks\.ReadWrite\.All/);
    // The monitor signs in as synchronization's own app (the profile's syncApp): the answers are synchronization's.
    expect(out).toContain(`Speaks for:        server-side synchronization itself: the monitor signed in as synchronization's own app ${wingtipClientId} in tenant ${wingtipTenant}`);
    expect(out).not.toContain(wingtipClientSecret);
  });
});

type ReportStep = { step: string; ok: boolean | null; address?: string; url: string };

/** A test-connection run's exit code and JSON report. */
async function jsonReport(args: string[]) {
  const { code, out } = await run([...args, "--json"]);
  return { code, report: JSON.parse(out) as { steps: ReportStep[]; mailboxes: { address: string; ok: boolean }[] } };
}

const hostOf = (s: ReportStep) => new URL(s.url).hostname;

describe("test-connection on a hybrid profile whose mailboxes name no location", () => {
  it("places them as the cycle does: a mailbox Autodiscover finds in Exchange Online is tested through Graph, one on premises through EWS", async () => {
    const { code, report } = await jsonReport(["--profile", "adventure-hybrid.json"]);
    expect(code).toBe(0);
    expect(report.steps.map((s) => [s.step, s.ok, hostOf(s)])).toEqual([
      ["token", true, "login.microsoftonline.com"],
      ["graph", true, "graph.microsoft.com"],
      ["mailbox", true, "graph.microsoft.com"],
      ["autodiscover", true, "adventure-works.com"],
      ["ews", true, "mail.adventure-works.com"],
      ["mailbox", true, "mail.adventure-works.com"],
    ]);
    // kim and lena live in Exchange Online, omar and pia on premises: each side's first approved mailbox.
    expect(report.steps[2]).toMatchObject({ address: "kim@adventure-works.com" });
    expect(report.steps[5]).toMatchObject({ address: "omar@adventure-works.com" });
  });

  it("places past a mailbox Autodiscover does not know, and stops at a failure that would repeat for every mailbox", async () => {
    const hybrid = demoProfiles().find((p) => p.id === "adventure-hybrid")!;
    const first = (address: string) => ({ ...hybrid, mailboxes: [{ address, approved: true, incoming: true, outgoing: true, appointmentsContactsTasks: true }, ...hybrid.mailboxes] });
    await writeFile(join(dir, "adventure-ghost.json"), JSON.stringify(first("ghost@adventure-works.com")));
    await writeFile(join(dir, "adventure-lost.json"), JSON.stringify(first("kim@lost-adventure-works.com")));
    const stepsOf = async (file: string) => (await jsonReport(["--profile", file])).report.steps.map((s) => [s.step, s.ok, s.address ?? ""]);
    // Past the unknown user, kim is placed in the cloud and omar on premises: each side tests its own.
    expect(await stepsOf("adventure-ghost.json")).toEqual([
      ["token", true, ""],
      ["graph", true, ""],
      ["mailbox", true, "kim@adventure-works.com"],
      ["autodiscover", true, "omar@adventure-works.com"],
      ["ews", true, "omar@adventure-works.com"],
      ["mailbox", true, "omar@adventure-works.com"],
    ]);
    // A domain that does not resolve: placing stops at once, so nothing is placed on premises and only Graph's side runs,
    // on the first approved mailbox (not placed: Graph first).
    const lost = await stepsOf("adventure-lost.json");
    expect(lost.map((s) => s[0])).toEqual(["token", "graph", "mailbox"]);
    expect(lost[2]![2]).toBe("kim@lost-adventure-works.com");
  });

  it("routes each mailbox asked for by where Autodiscover finds it", async () => {
    const { code, report } = await jsonReport(["--profile", "adventure-hybrid.json", "--mailbox", "pia@adventure-works.com", "--mailbox", "lena@adventure-works.com"]);
    expect(code).toBe(0);
    expect(report.steps.filter((s) => s.step === "mailbox").map((s) => [s.address, hostOf(s)])).toEqual([
      ["lena@adventure-works.com", "graph.microsoft.com"],
      ["pia@adventure-works.com", "mail.adventure-works.com"],
    ]);
    expect(report.mailboxes.map((m) => [m.address, m.ok])).toEqual([
      ["pia@adventure-works.com", true],
      ["lena@adventure-works.com", true],
    ]);
  });
});
