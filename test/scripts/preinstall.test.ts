import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../scripts/preinstall.js", import.meta.url));

function preinstall(userAgent: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { env: { ...process.env, npm_config_user_agent: userAgent } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe("npm install on the machine's Node", () => {
  it("says in one line that npm runs on Node 20 while the app runs on the node dev dependency's Node 22", async () => {
    const result = await preinstall("npm/11.19.1 node/v20.20.2 linux x64 workspaces/false");
    expect(result).toEqual({
      code: 0,
      stdout: "",
      stderr: "exchange-sync-monitor: npm runs on Node v20.20.2; the app, its tests and its CLI run on Node 22 from the `node` dev dependency.\n",
    });
  });

  it("says nothing when npm runs on Node 22", async () => {
    expect(await preinstall("npm/11.6.2 node/v22.12.0 linux x64 workspaces/false")).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("stops clearly when npm runs on a Node older than 20", async () => {
    const result = await preinstall("npm/10.8.2 node/v18.20.4 linux x64 workspaces/false");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/npm runs on Node v18\.20\.4; installing needs Node 20 or later/);
  });

  it("is wired as the preinstall script, with the engines warnings kept out of npm's output by the project's .npmrc", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.preinstall).toBe("node scripts/preinstall.js");
    expect(await readFile(new URL("../../.npmrc", import.meta.url), "utf8")).toMatch(/^loglevel=error$/m);
  });
});
