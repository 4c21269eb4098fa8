import { afterAll, it } from "vitest";
import { hourlyRows, seedSummaries, startStatusHost, summary, type StatusHost } from "./fixtures.js";
let app: StatusHost;
afterAll(() => app?.stop());
async function load(path: string, ms = 3000, conns = 50) {
  let n = 0; const end = Date.now() + ms;
  await Promise.all(Array.from({ length: conns }, async () => { while (Date.now() < end) { const r = await app.get(path); await r.arrayBuffer(); n++; } }));
  return Math.round(n / (ms / 1000));
}
it("throughput", async () => {
  app = await startStatusHost();
  await seedSummaries(app.runtime, Array.from({ length: 1000 }, (_, i) => summary(`p${String(i).padStart(4, "0")}`, { hourly: hourlyRows(24) })));
  await load("health", 500);
  const h = await load("health");
  const s = await load("status");
  const d = await load("status/p0500");
  const m = await load("metrics");
  console.log({ health: h, status: s, detail: d, metrics: m, bytes: (await (await app.get("status")).text()).length, mbytes: (await (await app.get("metrics")).text()).length });
}, 120_000);
