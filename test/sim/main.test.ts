import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSimulator } from "../../sim/main.js";
import { demoSecretSettings } from "../../sim/demo-profiles.js";

const realTmp = process.env.TMPDIR;
afterEach(() => {
  if (realTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = realTmp;
});

/** A temporary folder of this test's own, so what the simulator leaves behind is easy to see. */
async function ownTmp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sim-main-"));
  process.env.TMPDIR = dir;
  return dir;
}

describe("npm run sim", () => {
  it("prints a demo profile file that exists, keeps the secrets in a private file, and removes it when stopped", async () => {
    const dir = await ownTmp();
    let stop: () => void = () => {};
    const out: string[] = [];
    const run = runSimulator({ argv: [], stdout: (text) => out.push(text), stopSignal: new Promise<void>((resolve) => (stop = resolve)) });
    const deadline = Date.now() + 30_000;
    while (out.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const text = out.join("\n");
    const settingsFile = /set -a; \. (\S+);/.exec(text)?.[1] ?? "";
    expect(settingsFile.startsWith(dir)).toBe(true);
    expect(statSync(settingsFile).mode & 0o777).toBe(0o600);
    const profile = /--profile (\S+)/.exec(text)?.[1] ?? "";
    expect(profile).toMatch(/demo\/profiles\/contoso-ex2016\.json$/);
    expect(existsSync(profile)).toBe(true);
    for (const secret of Object.values(demoSecretSettings())) expect(text).not.toContain(secret);

    stop();
    expect(await run).toBe(0);
    expect(existsSync(settingsFile)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);

  it("removes its files when it fails after writing them", async () => {
    const dir = await ownTmp();
    const run = runSimulator({ argv: ["--ca-out", join(dir, "no-such-folder", "ca.pem")], stdout: () => {}, stopSignal: new Promise(() => {}) });
    await expect(run).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`removes its secrets file when the process gets ${signal}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "sim-signal-"));
      const child = spawn(
        process.execPath,
        ["--experimental-transform-types", "--no-warnings", "--import", fileURLToPath(new URL("../support/ts-child.mjs", import.meta.url)), fileURLToPath(new URL("../../sim/main.ts", import.meta.url))],
        { env: { ...process.env, TMPDIR: dir }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const deadline = Date.now() + 45_000;
      while (!/set -a; \. (\S+);/.test(out) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const settingsFile = /set -a; \. (\S+);/.exec(out)?.[1] ?? "";
      expect(settingsFile.startsWith(dir), out).toBe(true);
      expect(existsSync(settingsFile)).toBe(true);
      child.kill(signal);
      expect(await exited).toBe(0);
      expect(existsSync(settingsFile)).toBe(false);
      expect(await readdir(dir)).toEqual([]);
    }, 60_000);
  }
});
