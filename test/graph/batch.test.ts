import { describe, expect, it } from "vitest";
import { batchBody, chunk, mailboxesPerBatch, maxBatchRequests, parseBatchAnswer, planEntries } from "../../lib/graph/batch.js";
import { graphFolders, graphFoldersFor } from "../../lib/graph/folders.js";

const all = ["incoming", "outgoing", "appointmentsContactsTasks"] as const;

describe("Graph JSON batches", () => {
  it("plans five requests a mailbox, four mailboxes to a batch of 20, each with its own id", () => {
    expect(mailboxesPerBatch * graphFolders.length).toBe(maxBatchRequests);
    const entries = planEntries(["a", "b", "c", "d"].map((n) => ({ address: `${n}@contoso.com`, folders: graphFoldersFor(all, true) })));
    expect(entries).toHaveLength(20);
    expect(new Set(entries.map((e) => e.id)).size).toBe(20);
    const body = JSON.parse(batchBody(entries)) as { requests: { id: string; method: string; url: string }[] };
    expect(body.requests[0]).toEqual({ id: "0-inbox", method: "GET", url: "/users/a%40contoso.com/mailFolders/inbox?$select=id" });
    expect(body.requests.map((r) => r.url.split("/").slice(3).join("/"))).toEqual(
      expect.arrayContaining(["mailFolders/sentitems?$select=id", "calendar?$select=id", "contacts?$top=1&$select=id", "todo/lists?$top=1"]),
    );
  });

  it("asks only the wanted channels' folders, and no To Do where the cloud has none", () => {
    expect(graphFoldersFor(["incoming"], true)).toEqual(["inbox"]);
    expect(graphFoldersFor(["appointmentsContactsTasks"], true)).toEqual(["calendar", "contacts", "todo"]);
    expect(graphFoldersFor(all, false)).toEqual(["inbox", "sentitems", "calendar", "contacts"]);
  });

  it("refuses a batch of more than 20 requests, none, or repeated ids", () => {
    const entries = planEntries(["a", "b", "c", "d", "e"].map((n) => ({ address: `${n}@contoso.com`, folders: graphFoldersFor(all, true) })));
    expect(() => batchBody(entries)).toThrow(RangeError);
    expect(() => batchBody([])).toThrow(RangeError);
    expect(() => batchBody([entries[0]!, entries[0]!])).toThrow(/unique/);
    expect(chunk([1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it("matches answers by id in any order, with lower-case header names", () => {
    const parsed = parseBatchAnswer(
      JSON.stringify({
        responses: [
          { id: "1-sentitems", status: 429, headers: { "Retry-After": "2" }, body: { error: { code: "ApplicationThrottled", message: "x" } } },
          { id: "0-inbox", status: 200, body: { id: "AAA" } },
        ],
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.answers.get("0-inbox")).toEqual({ status: 200, headers: {}, body: { id: "AAA" } });
    expect(parsed.answers.get("1-sentitems")).toMatchObject({ status: 429, headers: { "retry-after": "2" } });
  });

  it.each([
    ["not JSON", "<html>proxy</html>", /not JSON/],
    ["no responses", JSON.stringify({ value: [] }), /not a batch response \(responses/],
    ["responses that are not a list", JSON.stringify({ responses: { id: "a", status: 200 } }), /not a batch response/],
  ])("a malformed answer (%s) is one invalid-response for the batch, not an exception", (_, body, message) => {
    const parsed = parseBatchAnswer(body, { host: "graph.microsoft.com" });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.failure).toMatchObject({ category: "invalid-response", code: "GraphBatchInvalid", transient: true });
    expect(parsed.failure.message).toMatch(message);
  });

  it("one malformed item stands alone: the items beside it are read as they are", () => {
    const parsed = parseBatchAnswer(
      JSON.stringify({
        responses: [
          { id: "0-inbox", status: 200, headers: { "Content-Type": "application/json", "X-Odd": 7 }, body: { id: "AAA" } },
          { id: "0-sentitems" },
          { id: "1-inbox", status: 42 },
          { id: "2-inbox", status: 200, body: { id: "B" } },
          { id: "2-inbox", status: 404, body: {} },
          { status: 200 },
          "not an item",
          ...Array.from({ length: 20 }, (_, i) => ({ id: `extra-${i}`, status: 200 })),
        ],
      }),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.answers.get("0-inbox")).toEqual({ status: 200, headers: { "content-type": "application/json" }, body: { id: "AAA" } });
    expect(parsed.answers.get("0-sentitems")).toMatchObject({ invalid: expect.stringMatching(/id 0-sentitems.*status/) });
    expect(parsed.answers.get("1-inbox")).toMatchObject({ invalid: expect.stringMatching(/status/) });
    expect(parsed.answers.get("2-inbox")).toEqual({ invalid: "answers id 2-inbox twice" });
    expect(parsed.answers.get("extra-19")).toMatchObject({ status: 200 });
  });
});
