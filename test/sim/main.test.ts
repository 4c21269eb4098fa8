import { afterEach, describe, expect, it } from "vitest";
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
});
