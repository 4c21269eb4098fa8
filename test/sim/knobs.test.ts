import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOrganisation, demoPasswords, startSimulatedOrg, type CertificateKind, type SimulatedOrg } from "../../sim/index.js";
import { basicAuth, getFolderBody, simRequest } from "./support/client.js";

const contoso = basicAuth("svc-crm@contoso.com", demoPasswords["svc-crm@contoso.com"]!);
const url = "https://mail.contoso.com/EWS/Exchange.asmx";

describe("simulated server knobs", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    sim = await startSimulatedOrg(demoOrganisation());
  });
  afterAll(() => sim.stop());

  const ews = (timeoutMs = 5_000) => simRequest(sim, url, { body: getFolderBody("alice@contoso.com"), headers: contoso, timeoutMs });

  it.each<[CertificateKind, string | undefined]>([
    ["valid", undefined],
    ["expired", "CERT_HAS_EXPIRED"],
    ["wrong-name", "ERR_TLS_CERT_ALTNAME_INVALID"],
    ["self-signed", "DEPTH_ZERO_SELF_SIGNED_CERT"],
  ])("certificate %s fails the TLS check with %s", async (kind, code) => {
    sim.setServer("mail.contoso.com", { certificate: kind });
    try {
      if (code === undefined) expect((await ews()).status).toBe(200);
      else await expect(ews()).rejects.toMatchObject({ code });
    } finally {
      sim.setServer("mail.contoso.com", { certificate: "valid" });
    }
  });

  it("status503 answers 503 with Retry-After", async () => {
    sim.setServer("mail.contoso.com", { status503: 120 });
    const res = await ews();
    sim.setServer("mail.contoso.com", { status503: false });
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("120");
  });

  it("hang accepts the request and never answers", async () => {
    sim.setServer("mail.contoso.com", { hang: true });
    sim.counters.reset();
    await expect(ews(300)).rejects.toMatchObject({ code: "ETIMEDOUT" });
    sim.setServer("mail.contoso.com", { hang: false });
    expect(sim.counters.requestCount("mail.contoso.com")).toBe(1);
  });

  it("stallHandshake accepts TCP and never finishes TLS", async () => {
    sim.setServer("mail.contoso.com", { stallHandshake: true });
    sim.counters.reset();
    await expect(ews(300)).rejects.toMatchObject({ code: "ETIMEDOUT" });
    sim.setServer("mail.contoso.com", { stallHandshake: false });
    expect(sim.counters.requestCount()).toBe(0);
    expect(sim.counters.tlsHandshakes("mail.contoso.com")).toBe(0);
    expect(sim.counters.connections({ host: "mail.contoso.com" }).peak).toBe(1);
  });

  it("refuse makes the connection refused", async () => {
    sim.setServer("mail.contoso.com", { refuse: true });
    await expect(ews()).rejects.toMatchObject({ code: "ECONNREFUSED" });
    sim.setServer("mail.contoso.com", { refuse: false });
  });

  it("htmlLoginPage answers 200 text/html", async () => {
    sim.setServer("mail.contoso.com", { htmlLoginPage: true });
    const res = await ews();
    sim.setServer("mail.contoso.com", { htmlLoginPage: false });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("<form");
  });

  it("hugeBody streams that many bytes without Content-Length", async () => {
    sim.setServer("mail.contoso.com", { hugeBody: 8 * 1024 * 1024 });
    const res = await ews(20_000);
    sim.setServer("mail.contoso.com", { hugeBody: false });
    expect(res.headers["content-length"]).toBeUndefined();
    expect(res.body.length).toBeGreaterThanOrEqual(8 * 1024 * 1024);
  });

  it("malformedBody answers truncated XML, non-XML or a DOCTYPE entity bomb", async () => {
    for (const [kind, pattern] of [["truncated", /<m:GetFolderResponse$/], ["not-xml", /^\{/], ["doctype", /<!DOCTYPE/]] as const) {
      sim.setServer("mail.contoso.com", { malformedBody: kind });
      expect((await ews()).body).toMatch(pattern);
    }
    sim.setServer("mail.contoso.com", { malformedBody: false });
  });

  it("latencyMs delays every answer", async () => {
    sim.setServer("mail.contoso.com", { latencyMs: 250 });
    const started = performance.now();
    await ews();
    sim.setServer("mail.contoso.com", { latencyMs: 0 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it("latency runs from the request's arrival and a stalled mailbox answers that much later again; a server fault waits the latency too", async () => {
    sim.setServer("mail.contoso.com", { latencyMs: 250 });
    sim.setMailbox("alice@contoso.com", { stallMs: 300 });
    try {
      let started = performance.now();
      expect((await ews()).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(540);
      sim.setMailbox("alice@contoso.com", { stallMs: false });
      sim.setServer("mail.contoso.com", { status503: 1 });
      started = performance.now();
      expect((await ews()).status).toBe(503);
      expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    } finally {
      sim.setMailbox("alice@contoso.com", { stallMs: false });
      sim.setServer("mail.contoso.com", { latencyMs: 0, status503: false });
    }
  });
});
