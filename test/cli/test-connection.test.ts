import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import type { SimulatedOrg } from "../../sim/index.js";
import { demoProfiles, demoSecretSettings } from "../../sim/demo-profiles.js";
import { demoPasswords } from "../../sim/index.js";
import { startDemoSim } from "../support/sim.js";

let sim: SimulatedOrg;
let dir: string;
beforeAll(async () => {
  sim = await startDemoSim();
  dir = await mkdtemp(join(tmpdir(), "cli-"));
  await writeFile(join(dir, "ca.pem"), sim.endpoints.caPem);
  for (const p of demoProfiles()) await writeFile(join(dir, `${p.id}.json`), JSON.stringify(p));
});
afterAll(async () => {
  await sim.stop();
});

async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: { ...demoSecretSettings(), DNS_SERVERS: sim.dnsServers, TRUSTED_CA_FILE: "ca.pem", ...env },
    cwd: dir,
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
  };
  const connectTo = [`:443:127.0.0.1:${sim.endpoints.httpsPort}`, `:80:127.0.0.1:${sim.endpoints.httpPort}`].flatMap((c) => ["--connect-to", c]);
  const code = await main(["test-connection", ...args, ...connectTo], io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("exchange-sync-monitor test-connection", () => {
  it("prints the contract's object with --json and exits 0 when everything passed", async () => {
    const { code, out } = await run(["--profile", "contoso-ex2016.json", "--mailbox", "alice@contoso.com", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(Object.keys(report).sort()).toEqual(["certificates", "elapsedMs", "mailboxes", "ok", "profile", "server", "steps"]);
    expect(report).toMatchObject({
      profile: "contoso-ex2016",
      ok: true,
      steps: [
        { step: "autodiscover", ok: true, url: expect.stringMatching(/^https:\/\/.*autodiscover\.xml$/i) },
        { step: "ews", ok: true, url: "https://mail.contoso.com/EWS/Exchange.asmx" },
        { step: "mailbox", ok: true },
      ],
      mailboxes: [{ address: "alice@contoso.com", ok: true, channels: { incoming: "success", outgoing: "success", appointmentsContactsTasks: "success" } }],
      server: { build: "15.1.2507.6", product: "Exchange Server 2016" },
    });
    expect(report.certificates[0]).toMatchObject({ trusted: true, namesMatch: true });
  });

  it("exits 1 with the diagnosis and the steps that did not run", async () => {
    const { code, out } = await run(["--profile", "northwind-ex2016.json", "--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    const failed = report.steps.find((s: { ok: boolean | null }) => s.ok === false);
    expect(failed.error).toMatchObject({ category: "basic-auth-disabled", code: "401", transient: false });
    expect(report.steps.at(-1)).toEqual({ step: "mailbox", ok: null, elapsedMs: 0 });
    expect(out).not.toContain(demoPasswords["svc-crm@northwind.com"]!);
  });

  it("prints a line per step with its elapsed time by default", async () => {
    const { code, out } = await run(["--profile", "fabrikam-ex2019.json", "--mailbox", "niaj@fabrikam.com"]);
    expect(code).toBe(1);
    expect(out).toMatch(/PASS {2}autodiscover +\d+ ms/);
    expect(out).toMatch(/FAIL {2}niaj@fabrikam\.com/);
    expect(out).toMatch(/impersonation-denied \(ErrorImpersonateUserDenied, permanent\)/);
    expect(out).toMatch(/ApplicationImpersonation/);
  });

  it("exits 2 naming every wrong field of a profile with mistakes", async () => {
    await writeFile(
      join(dir, "bad.json"),
      JSON.stringify({ id: "Bad Id", name: "x", serverType: "exchange-server", owner: "nobody", autodiscover: false, incomingUrl: "http://mail.contoso.com/EWS/Exchange.asmx", auth: { kind: "basic", username: "CONTOSO\\svc", passwordSetting: "P" }, maxConcurrentConnections: 500 }),
    );
    const { code, err, out } = await run(["--profile", "bad.json", "--mailbox", "not-an-address"]);
    expect(code).toBe(2);
    expect(out).toBe("");
    for (const field of ["bad.json: id:", "bad.json: owner:", "bad.json: incomingUrl:", "bad.json: outgoingUrl:", "bad.json: auth.username:", "bad.json: maxConcurrentConnections:", "--mailbox:"]) {
      expect(err).toContain(field);
    }
  });

  it("exits 2 when the secret setting the profile names is missing, without printing any secret", async () => {
    const { code, err } = await run(["--profile", "contoso-ex2016.json"], { CONTOSO_EWS_PASSWORD: "" });
    expect(code).toBe(2);
    expect(err).toContain("CONTOSO_EWS_PASSWORD");
  });

  it("exits 2 on a missing file, bad JSON and a bad setting", async () => {
    await writeFile(join(dir, "broken.json"), "{ nope");
    expect((await run(["--profile", "missing.json"])).err).toContain("missing.json: cannot be read (ENOENT)");
    expect((await run(["--profile", "broken.json"])).err).toContain("broken.json: is not valid JSON");
    const badDns = await run(["--profile", "contoso-ex2016.json"], { DNS_SERVERS: "dns.example" });
    expect(badDns.code).toBe(2);
    expect(badDns.err).toContain("DNS_SERVERS");
  });

  it("with autodiscover off, shows the Autodiscover step as skipped with the configured URL (text and JSON)", async () => {
    const contoso = demoProfiles().find((p) => p.id === "contoso-ex2016")!;
    const ews = "https://mail.contoso.com/EWS/Exchange.asmx";
    await writeFile(join(dir, "contoso-direct.json"), JSON.stringify({ ...contoso, autodiscover: false, incomingUrl: ews, outgoingUrl: ews }));
    const json = await run(["--profile", "contoso-direct.json", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).steps[0]).toMatchObject({ step: "autodiscover", ok: true, skipped: true, url: ews });
    const text = await run(["--profile", "contoso-direct.json"]);
    expect(text.out).toMatch(new RegExp(`SKIP {2}autodiscover +off {2}the profile turns Autodiscover off; configured EWS URL ${ews.replace(/\./g, "\\.")}`));
    expect(text.out).not.toMatch(/PASS {2}autodiscover/);
  });

  it("says which mailbox Test Connection opened for its mailbox step, and why that one", async () => {
    const byProfile = await run(["--profile", "fabrikam-ex2019.json", "--json"]);
    const mailboxStep = JSON.parse(byProfile.out).steps.find((s: { step: string }) => s.step === "mailbox");
    expect(mailboxStep).toMatchObject({ address: "ivan@fabrikam.com", addressFrom: "first-approved-mailbox" });
    // Autodiscover looked that mailbox up: its step names it too.
    expect(JSON.parse(byProfile.out).steps[0]).toMatchObject({ step: "autodiscover", address: "ivan@fabrikam.com", addressFrom: "first-approved-mailbox" });
    const text = await run(["--profile", "fabrikam-ex2019.json"]);
    expect(text.out).toContain("opened ivan@fabrikam.com, the profile's first approved mailbox (give --mailbox to test another)");
    const requested = await run(["--profile", "fabrikam-ex2019.json", "--mailbox", "niaj@fabrikam.com"]);
    expect(requested.out).toMatch(/FAIL {2}mailbox .*\n {8}opened niaj@fabrikam\.com, the first --mailbox given\n {8}impersonation-denied/);
  });
});
