import { describe, expect, it } from "vitest";
import { removeProfile } from "../../lib/profiles/delete.js";
import { exportProfile } from "../../lib/profiles/export.js";
import { importProfile } from "../../lib/profiles/import.js";
import { listProfileItems } from "../../lib/profiles/list.js";
import { recordChecks, readChecksForHours } from "../../lib/store/checks.js";
import { listMailboxes, saveMailboxes } from "../../lib/store/mailboxes.js";
import { getProfile } from "../../lib/store/profiles.js";
import type { Storage } from "../../lib/store/storage.js";
import { readSummary } from "../../lib/store/summaries.js";
import { testStorage } from "../support/storage.js";
import { designExample, exampleWith, mailboxesOf } from "./fixtures.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";

async function nothingStored(storage: Storage, id: string): Promise<void> {
  expect(await getProfile(storage, id)).toBeUndefined();
  expect(await listMailboxes(storage, id)).toEqual([]);
  expect(await readSummary(storage, id)).toBeUndefined();
}

describe("profile import and export", () => {
  it("refuses a bad profile naming every wrong field, and writes nothing", async () => {
    const storage = testStorage();
    storage.requests.reset();
    const result = await importProfile(
      storage,
      exampleWith({ owner: "nobody", auth: { kind: "basic", username: "CONTOSO\\svc", passwordSetting: "hunter2 is my password" }, colour: "blue", mailboxes: [{ address: "x" }] }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field).sort()).toEqual(["auth.passwordSetting", "auth.username", "colour", "mailboxes[0].address", "owner"]);
    expect(storage.requests.table).toBe(0);
    await nothingStored(storage, designExample.id);
  });

  it("round-trips the design's example byte for byte", async () => {
    const storage = testStorage();
    const result = await importProfile(storage, designExample);
    expect(result).toEqual({ ok: true, profileId: designExample.id, created: true, mailboxes: { total: 1, added: 1, updated: 0, removed: 0, unchanged: 0 }, warnings: [] });
    const exported = await exportProfile(storage, designExample.id);
    expect(JSON.stringify(exported, null, 2)).toBe(JSON.stringify(designExample, null, 2));
    expect(await readSummary(storage, designExample.id)).toMatchObject({ health: "unknown", mailboxStates: { enabled: 1, "pending-approval": 0 } });
  });

  it("round-trips oauth credentials, trusted domains and unapproved mailboxes", async () => {
    const storage = testStorage();
    const document = exampleWith({
      id: "fabrikam-online",
      serverType: "exchange-online",
      auth: { kind: "oauth", tenantId: "fabrikam.onmicrosoft.com", clientId: "6f1d1c1a-1b2c-4d5e-8f90-123456789abc", certificatePathSetting: "FABRIKAM_CERT", cloud: "usgov" },
      trustedDomains: ["fabrikam-mail.com"],
      mailboxes: [...mailboxesOf(3, false), { address: "zed@fabrikam.com", approved: true, incoming: false, outgoing: true, appointmentsContactsTasks: false }],
    });
    await importProfile(storage, document);
    expect(await exportProfile(storage, "fabrikam-online")).toEqual(document);
    const exported = JSON.stringify(await exportProfile(storage, "fabrikam-online"));
    expect(exported).not.toMatch(/secret|password/i);
  });

  it("round-trips the app registration synchronization uses (syncApp), after auth and api", async () => {
    const storage = testStorage();
    const auth = { kind: "oauth", tenantId: "fabrikam.onmicrosoft.com", clientId: "6f1d1c1a-1b2c-4d5e-8f90-123456789abc", clientSecretSetting: "FABRIKAM_APP_SECRET", cloud: "public" };
    const { auth: _a, maxConcurrentConnections: _m, ...rest } = exampleWith({ id: "fabrikam-sync", serverType: "exchange-online" }) as Record<string, unknown>;
    const document = { ...rest, auth, api: "graph", syncApp: { tenantId: "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6", clientId: "2b6d9e14-7a3c-4f58-9d0e-6c1f2a3b4d5e" }, maxConcurrentConnections: 10 };
    expect((await importProfile(storage, document)).ok).toBe(true);
    const exported = await exportProfile(storage, "fabrikam-sync");
    expect(exported).toEqual(document);
    expect(Object.keys(exported!)).toEqual(Object.keys(designExample).flatMap((k) => (k === "auth" ? ["auth", "api", "syncApp"] : [k])));
  });

  it("round-trips a hybrid profile's api and each mailbox's location, and forgets a location the file drops", async () => {
    const storage = testStorage();
    const auth = { kind: "oauth", tenantId: "contoso.onmicrosoft.com", clientId: "6f1d1c1a-1b2c-4d5e-8f90-123456789abc", clientSecretSetting: "CONTOSO_APP_SECRET", cloud: "public" };
    const box = (address: string, location?: string) => ({ address, approved: true, incoming: true, outgoing: true, appointmentsContactsTasks: true, ...(location ? { location } : {}) });
    const document = exampleWith({ id: "contoso-hybrid", serverType: "exchange-online-hybrid", auth, mailboxes: [box("ann@contoso.com", "cloud"), box("ben@contoso.com", "on-premises"), box("cy@contoso.com")] });
    const { auth: _a, maxConcurrentConnections: _m, ...rest } = document as Record<string, unknown>;
    // The file's field order: auth, then api.
    const withApi = { ...rest, auth, api: "graph", maxConcurrentConnections: document.maxConcurrentConnections };
    await importProfile(storage, withApi);
    const exported = await exportProfile(storage, "contoso-hybrid");
    expect(exported).toEqual(withApi);
    expect(Object.keys(exported!)).toEqual(Object.keys(designExample).flatMap((k) => (k === "auth" ? ["auth", "api"] : [k])));
    expect((await listMailboxes(storage, "contoso-hybrid")).map((m) => m.location)).toEqual(["cloud", "on-premises", undefined]);

    const again = await importProfile(storage, { ...withApi, mailboxes: [box("ann@contoso.com"), box("ben@contoso.com", "on-premises"), box("cy@contoso.com", "cloud")] });
    expect(again).toMatchObject({ ok: true, mailboxes: { updated: 2, unchanged: 1 } });
    expect((await listMailboxes(storage, "contoso-hybrid")).map((m) => m.location)).toEqual([undefined, "on-premises", "cloud"]);
  });

  it("keeps mailbox state on re-import and removes mailboxes gone from the file", async () => {
    const storage = testStorage();
    await importProfile(storage, exampleWith({ mailboxes: mailboxesOf(3) }));
    const [first] = await listMailboxes(storage, designExample.id);
    await saveMailboxes(storage, [{ ...first!, state: "disabled", consecutiveFailures: 10, channels: { incoming: "failure", outgoing: "failure", appointmentsContactsTasks: "success" } }]);
    const again = await importProfile(storage, exampleWith({ name: "Renamed", mailboxes: mailboxesOf(2) }));
    expect(again).toMatchObject({ ok: true, created: false, mailboxes: { total: 2, added: 0, updated: 0, removed: 1, unchanged: 2 } });
    const stored = await listMailboxes(storage, designExample.id);
    expect(stored.map((m) => m.state)).toEqual(["disabled", "enabled"]);
    expect(stored[0]!.channels.incoming).toBe("failure");
    expect(await readSummary(storage, designExample.id)).toMatchObject({ name: "Renamed", mailboxStates: { disabled: 1, enabled: 1 } });
  });

  it("undoes what it wrote when a write fails half-way", async () => {
    const real = testStorage();
    // The real emulator, except that the profiles table goes away after the first read: the final write fails.
    let profileTableUses = 0;
    const failAtTheEnd: Storage = {
      requests: real.requests,
      queue: (name) => real.queue(name),
      table: (name) => (name === "profiles" && profileTableUses++ > 0 ? Promise.reject(new Error("profiles table down")) : real.table(name)),
    };
    await expect(importProfile(failAtTheEnd, exampleWith({ mailboxes: mailboxesOf(120) }))).rejects.toThrow(/profiles table down/);
    await nothingStored(real, designExample.id);
  });

  it("lists profiles without credentials and deletes everything stored about one", async () => {
    const storage = testStorage();
    await importProfile(storage, designExample);
    await recordChecks(storage, designExample.id, [{ address: "jdoe@contoso.com", at: new Date("2025-05-01T10:00:00Z"), outcome: { ok: true } }]);
    const items = await listProfileItems(storage);
    expect(items).toEqual([expect.objectContaining({ id: designExample.id, cycle: 0 })]);
    expect(JSON.stringify(items)).not.toMatch(/auth|passwordSetting/);
    expect(await removeProfile(storage, designExample.id)).toBe("deleted");
    await nothingStored(storage, designExample.id);
    expect(await readChecksForHours(storage, designExample.id, ["2025050110"])).toEqual([]);
    expect(await removeProfile(storage, designExample.id)).toBe("not-found");
  });
});

describe("import warnings", () => {
  it("name each secret setting that is missing, blank or an unresolved Key Vault reference, never its value", async () => {
    const { missingSecretWarnings } = await import("../../lib/profiles/import-warnings.js");
    const oauth = { kind: "oauth", tenantId: "t", clientId: "c", clientSecretSetting: "APP_SECRET", certificatePathSetting: "APP_CERT", cloud: "public" } as const;
    expect(missingSecretWarnings(oauth as never, { APP_SECRET: "  ", APP_CERT: "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/x)" })).toEqual([
      { field: "auth.clientSecretSetting", message: expect.stringMatching(/^names the app setting APP_SECRET, which is not set here/) },
      { field: "auth.certificatePathSetting", message: "names the app setting APP_CERT, whose Key Vault reference is not resolved: check the app's access to the vault" },
    ]);
    expect(missingSecretWarnings({ kind: "basic", username: "u@x.com", passwordSetting: "PW" } as never, { PW: throwawaySecret("password") })).toEqual([]);
  });
});
