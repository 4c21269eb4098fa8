import { existsSync, readFileSync } from "node:fs";

/**
 * `func start` copies local.settings.json's Values into the environment; the local host does the same,
 * without overriding variables that are already set.
 */
export function applyLocalSettings(path: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (!existsSync(path)) return [];
  const json = JSON.parse(readFileSync(path, "utf8")) as { Values?: Record<string, unknown> };
  const applied: string[] = [];
  for (const [name, value] of Object.entries(json.Values ?? {})) {
    // A blank value is "not set", as the app's settings read it: local.settings.sample.json lists every name blank.
    if (env[name] !== undefined || value === null || value === undefined || String(value).trim() === "") continue;
    env[name] = String(value);
    applied.push(name);
  }
  return applied;
}
