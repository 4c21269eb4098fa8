import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenCache } from "../../lib/auth/index.js";
import { checkGraphMailboxes } from "../../lib/graph/check.js";
import { checkReadiness, testGraphConnection } from "../../lib/graph/test-connection.js";
import { startSimulatedOrg, throwawaySecret, type SimulatedOrg } from "../../sim/index.js";
import { cloudMailboxes, collect, connectionsFor, credentialsFor, graphOrg, mailboxes, options, tenant } from "./support.js";

// Entra secrets hold ~ (older ones +, / and =): escaped when form-encoded, so what is quoted back differs from the secret.
const secret = `${throwawaySecret("echoed")}~+/=`;
// Where the quote starts in the error description: across the token failure's 300-character clip among them.
const placements = [0, 100, 150, 200, 220, 240, 260, 280, 300];
const echoing = placements.flatMap((after, i) =>
  (["upper", "lower"] as const).map((hex, j) => ({ after, hex, clientId: `4d5e6f7a-8b9c-4d0e-8f1a-${String(i * 2 + j).padStart(12, "0")}` })),
);

/** The first characters of the secret as sent or form-encoded (either case of hex) when the text holds them. */
function leakedPrefix(text: string): string | undefined {
  const encoded = new URLSearchParams([["", secret]]).toString().slice(1);
  const forms = [secret, encodeURIComponent(secret), encoded, encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())];
  return forms.map((form) => form.slice(0, 10)).find((prefix) => text.includes(prefix));
}

describe("a token endpoint that quotes the app's secret back", () => {
  let sim: SimulatedOrg;
  beforeAll(async () => {
    const org = graphOrg();
    const apps = echoing.map(({ after, hex, clientId }) => ({ tenant, clientId, clientSecret: secret, impersonation: "all" as const, tokenErrorQuotesSecret: { after, hex } }));
    sim = await startSimulatedOrg({ ...org, oauthApps: [...(org.oauthApps ?? []), ...apps] });
  });
  afterAll(() => sim.stop());

  it("leaves not even a prefix of it in the daily readiness check, the mailbox checks or Test Connection, wherever the quote falls", async () => {
    for (const { after, hex, clientId } of echoing) {
      const conns = connectionsFor(sim);
      try {
        const credentials = credentialsFor({ clientId, secret });
        const tokens = new TokenCache();
        const readiness = await checkReadiness({ connections: conns, tokens, credentials, cloud: "public", address: cloudMailboxes[0]! });
        expect(readiness.graphPermissions, `${after} ${hex}`).toMatchObject({ status: "not-checked", reason: expect.stringMatching(/no Graph token.*AADSTS7000215/) });
        expect(leakedPrefix(JSON.stringify(readiness)), `readiness, quote after ${after} (${hex} hex)`).toBeUndefined();

        const seen = await collect((report) => checkGraphMailboxes(mailboxes(cloudMailboxes.slice(0, 2)), options(tokens, conns, { credentials }), report));
        expect([...seen.values()].map((c) => !c.ok && c.error.category)).toEqual(["auth-failed", "auth-failed"]);
        expect(leakedPrefix(JSON.stringify([...seen.values()])), `mailbox checks, quote after ${after} (${hex} hex)`).toBeUndefined();

        const report = await testGraphConnection({ ...options(tokens, conns, { credentials }), mailboxes: mailboxes([cloudMailboxes[0]!]), checkEws: false });
        expect(report.steps[0]).toMatchObject({ step: "token", ok: false });
        expect(leakedPrefix(JSON.stringify(report)), `Test Connection, quote after ${after} (${hex} hex)`).toBeUndefined();
      } finally {
        await conns.close();
      }
    }
  });
});
