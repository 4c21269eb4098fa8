import type { OrgSpec } from "./spec.js";

/** Checks the shape of an org spec read from JSON; throws naming every wrong field. */
export function parseOrgSpec(value: unknown): OrgSpec {
  const problems: string[] = [];
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!obj(value)) throw new Error("org spec: expected a JSON object");
  const list = (key: string, required: boolean, check: (item: Record<string, unknown>, at: string) => void) => {
    const v = value[key];
    if (v === undefined && !required) return;
    if (!Array.isArray(v)) return void problems.push(`${key}: expected an array`);
    v.forEach((item: unknown, i) => (obj(item) ? check(item, `${key}[${i}]`) : problems.push(`${key}[${i}]: expected an object`)));
  };
  const str = (item: Record<string, unknown>, at: string, ...keys: string[]) => {
    for (const k of keys) if (typeof item[k] !== "string" || item[k] === "") problems.push(`${at}.${k}: expected a non-empty string`);
  };
  list("domains", true, (d, at) => str(d, at, "name"));
  list("servers", true, (s, at) => str(s, at, "name"));
  const servers = new Set(Array.isArray(value.servers) ? value.servers.map((s: { name?: unknown }) => String(s?.name).toLowerCase()) : []);
  list("mailboxes", true, (m, at) => {
    str(m, at, "address", "server");
    if (typeof m.server === "string" && !servers.has(m.server.toLowerCase())) problems.push(`${at}.server: no server named ${m.server}`);
  });
  list("serviceAccounts", false, (a, at) => str(a, at, "upn", "password"));
  list("oauthApps", false, (a, at) => str(a, at, "tenant", "clientId"));
  if (problems.length > 0) throw new Error(`org spec is invalid:\n  ${problems.join("\n  ")}`);
  return value as unknown as OrgSpec;
}
