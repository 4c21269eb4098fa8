import { afterEach, describe, expect, it } from "vitest";
import { TokenCache } from "../../lib/auth/index.js";
import { checkGraphMailboxes } from "../../lib/graph/check.js";
import { startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { cloudMailboxes, collect, connectionsFor, graphOrg, mailboxes, options, tenant } from "./support.js";

const tokenPath = `/${tenant}/oauth2/v2.0/token`;

describe("a Graph token refused for a whole batch", () => {
  const started: SimulatedOrg[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  async function checkOnce(sim: SimulatedOrg, tokens: TokenCache) {
    const conns = connectionsFor(sim);
    try {
      return await collect((report) => checkGraphMailboxes(mailboxes(cloudMailboxes.slice(0, 2)), options(tokens, conns), report));
    } finally {
      await conns.close();
    }
  }

  it("is dropped from the cache, so the next run fetches a new token instead of failing until it expires", async () => {
    const tokens = new TokenCache();
    // The first tenant's token is cached; a second simulator signs with another key, so it refuses that token (401).
    const first = await startSimulatedOrg(graphOrg());
    started.push(first);
    expect([...(await checkOnce(first, tokens)).values()].map((c) => c.ok)).toEqual([true, true]);
    await first.stop();
    started.splice(0);

    const second = await startSimulatedOrg(graphOrg());
    started.push(second);
    const refused = await checkOnce(second, tokens);
    expect([...refused.values()].map((c) => !c.ok && c.error.category)).toEqual(["auth-failed", "auth-failed"]);
    expect(second.counters.requestCount("login.microsoftonline.com", tokenPath)).toBe(0);

    const next = await checkOnce(second, tokens);
    expect([...next.values()].map((c) => c.ok)).toEqual([true, true]);
    expect(second.counters.requestCount("login.microsoftonline.com", tokenPath)).toBe(1);
  });
});
