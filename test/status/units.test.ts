import { describe, expect, it } from "vitest";
import { matchesIfNoneMatch, strongEtag } from "../../lib/status/etag.js";
import { failingMailboxes, isFailing } from "../../lib/status/mailbox-view.js";
import { decodeContinuation, encodeContinuation, firstAfter, parsePageQuery } from "../../lib/status/paging.js";
import { escapeHelp, escapeLabelValue, renderExposition } from "../../lib/status/prometheus.js";
import { redactJson, secretValues } from "../../lib/status/redact.js";
import { ttlCache } from "../../lib/status/ttl-cache.js";
import { overallOf } from "../../lib/status/view.js";
import { failure, mailbox } from "./fixtures.js";

describe("status cache", () => {
  it("shares one load among concurrent misses and reuses it until the TTL, by the injected clock", async () => {
    let now = 0;
    let loads = 0;
    let release!: () => void;
    const cache = ttlCache<number>({ ttlMs: 10_000, now: () => now });
    const load = () => new Promise<number>((resolve) => ((loads += 1), (release = () => resolve(loads))));
    const waiting = Array.from({ length: 100 }, () => cache.get("k", load));
    release();
    expect(new Set(await Promise.all(waiting))).toEqual(new Set([1]));
    now = 9_999;
    expect(await cache.get("k", load)).toBe(1);
    now = 10_000;
    const next = cache.get("k", load);
    release();
    expect(await next).toBe(2);
    expect(loads).toBe(2);
  });

  it("does not keep a failed load, and drops the oldest key beyond its size", async () => {
    const cache = ttlCache<string>({ ttlMs: 10_000, now: () => 0, maxEntries: 2 });
    await expect(cache.get("k", () => Promise.reject(new Error("storage down")))).rejects.toThrow("storage down");
    expect(await cache.get("k", async () => "ok")).toBe("ok");
    await cache.get("a", async () => "a");
    await cache.get("b", async () => "b");
    expect(await cache.get("k", async () => "reloaded")).toBe("reloaded");
  });

});

describe("paging", () => {
  it("parses top and continuation, naming each bad parameter", () => {
    expect(parsePageQuery(null, null)).toEqual({ kind: "valid", page: { top: 100 } });
    expect(parsePageQuery("1000", encodeContinuation("p042"))).toEqual({ kind: "valid", page: { top: 1000, after: "p042" } });
    expect(parsePageQuery("0", "zz")).toEqual({
      kind: "invalid",
      problems: [{ field: "top", message: expect.any(String) }, { field: "continuation", message: expect.any(String) }],
    });
  });

  it("accepts only tokens it issued", () => {
    expect(decodeContinuation(encodeContinuation("contoso"))).toBe("contoso");
    for (const token of ["", "!!", Buffer.from("[]").toString("base64url"), Buffer.from('{"v":2,"after":"a"}').toString("base64url"), Buffer.from('{"v":1,"after":"A\'"}').toString("base64url"), "a".repeat(201)]) {
      expect(decodeContinuation(token), token).toBeUndefined();
    }
  });

  it("finds the first id after the token's id, also when that id has gone", () => {
    const ids = ["a", "c", "e"];
    expect([undefined, "a", "b", "e", "z"].map((after) => firstAfter(ids, after))).toEqual([0, 1, 1, 3, 3]);
  });
});

describe("ETag, exposition, redaction, views", () => {
  it("matches If-None-Match weakly, lists and * included", () => {
    const etag = strongEtag("body");
    expect(etag).toBe(strongEtag("body"));
    expect(etag).not.toBe(strongEtag("body2"));
    expect(matchesIfNoneMatch(`W/${etag}`, etag)).toBe(true);
    expect(matchesIfNoneMatch(`"x" , ${etag}`, etag)).toBe(true);
    expect(matchesIfNoneMatch("*", etag)).toBe(true);
    expect(matchesIfNoneMatch(null, etag)).toBe(false);
    expect(matchesIfNoneMatch('"x"', etag)).toBe(false);
  });

  it("escapes label values and help text, and leaves out families with no sample", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeHelp("a\\b\nc")).toBe("a\\\\b\\nc");
    expect(renderExposition([{ name: "x", help: "h", type: "gauge", samples: [] }])).toBe("");
    expect(renderExposition([{ name: "x", help: "h", type: "gauge", samples: [{ labels: { a: "1" }, value: NaN }, { labels: {}, value: -Infinity }] }])).toBe('# HELP x h\n# TYPE x gauge\nx{a="1"} NaN\nx -Inf\n');
  });

  it("finds secrets by setting name, by *_SETTING reference and inside connection strings", () => {
    const secrets = secretValues({
      CONTOSO_EWS_PASSWORD: "pa55word!",
      SMTP_PASSWORD_SETTING: "MAILPW",
      MAILPW: "mail-secret-1",
      AzureWebJobsStorage: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0a2V5Cg==;EndpointSuffix=core.windows.net",
      SHORT_SECRET: "abc",
      PROFILE_FILES: "profiles/contoso.json",
    });
    expect(secrets).toEqual(expect.arrayContaining(["pa55word!", "mail-secret-1", "c2VjcmV0a2V5Cg=="]));
    expect(secrets).not.toContain("abc");
    expect(secrets).not.toContain("profiles/contoso.json");
    expect(redactJson(JSON.stringify({ m: 'x "pa55word!" y' }), secrets)).toBe('{"m":"x \\"[redacted]\\" y"}');
    // Quoted back by a server in another form: URL-encoded (either case of hex) or in Base64.
    const formEncoded = new URLSearchParams([["", "pa55word!"]]).toString().slice(1);
    for (const quoted of [formEncoded, formEncoded.toLowerCase(), Buffer.from("mail-secret-1").toString("base64")]) {
      expect(redactJson(JSON.stringify({ m: `said ${quoted} here` }), secrets), quoted).toBe('{"m":"said [redacted] here"}');
    }
  });

  it("counts a mailbox as failing when retrying, disabled or its last check failed; the overall light is the worst", () => {
    expect(isFailing(mailbox("p", "a@x.com"))).toBe(false);
    expect(isFailing(mailbox("p", "a@x.com", { lastError: failure() }))).toBe(true);
    expect(isFailing(mailbox("p", "a@x.com", { state: "disabled" }))).toBe(true);
    expect(failingMailboxes([mailbox("p", "a@x.com", { state: "retrying" })]).items[0]!.diagnosis).toBeNull();
    expect(overallOf([{ health: "ok" }, { health: "unknown" }]).health).toBe("ok");
    expect(overallOf([{ health: "ok" }, { health: "degraded" }]).health).toBe("degraded");
    expect(overallOf([{ health: "degraded" }, { health: "failing" }]).health).toBe("failing");
    expect(overallOf([]).health).toBe("unknown");
  });
});
