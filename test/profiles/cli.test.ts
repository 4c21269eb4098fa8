import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject, describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import { uniqueName } from "../support/storage.js";
import { designExample, exampleWith } from "./fixtures.js";
import { throwawaySecret } from "../../sim/throwaway-secret.js";

function cli(env: Record<string, string | undefined>, cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env, cwd, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  return { run: (...argv: string[]) => main(argv, io), out, err };
}

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "esm-cli-"));
  const env = { AzureWebJobsStorage: inject("storageConnectionString"), TABLE_PREFIX: uniqueName("t") };
  return { dir, env, ...cli(env, dir) };
}

describe("exchange-sync-monitor profiles", () => {
  it("imports files and exports them back the same", async () => {
    const { dir, run, out } = await setup();
    await writeFile(join(dir, "contoso.json"), JSON.stringify(designExample, null, 2));
    await writeFile(join(dir, "fabrikam.json"), JSON.stringify(exampleWith({ id: "fabrikam" })));
    expect(await run("profiles", "import", "contoso.json", "fabrikam.json")).toBe(0);
    expect(out.join("\n")).toMatch(/created contoso-ex2016 from contoso\.json: 1 mailboxes/);

    expect(await run("profiles", "export", "contoso-ex2016", "--out", "back.json")).toBe(0);
    expect(await readFile(join(dir, "back.json"), "utf8")).toBe(`${JSON.stringify(designExample, null, 2)}\n`);
    out.length = 0;
    expect(await run("profiles", "export", "fabrikam")).toBe(0);
    expect(JSON.parse(out.join("\n"))).toEqual(exampleWith({ id: "fabrikam" }));

    out.length = 0;
    expect(await run("profiles", "list")).toBe(0);
    expect(out.map((l) => l.split("\t")[0])).toEqual(["contoso-ex2016", "fabrikam"]);
    expect(await run("profiles", "delete", "fabrikam")).toBe(0);
    expect(await run("profiles", "delete", "fabrikam")).toBe(1);
    expect(await run("profiles", "export", "fabrikam")).toBe(1);
  });

  it("warns about a secret setting that is not set, and stores the profile all the same", async () => {
    const { dir, run, out, err, env } = await setup();
    await writeFile(join(dir, "contoso.json"), JSON.stringify(designExample));
    expect(await run("profiles", "import", "contoso.json")).toBe(0);
    expect(out.join("\n")).toMatch(/created contoso-ex2016/);
    expect(err).toEqual([
      "warning: contoso.json: auth.passwordSetting names the app setting CONTOSO_EWS_PASSWORD, which is not set here: the profile is stored, but its checks fail until the setting holds the secret",
    ]);
    err.length = 0;
    const secret = throwawaySecret("password");
    const withSecret = cli({ ...env, CONTOSO_EWS_PASSWORD: secret }, dir);
    expect(await withSecret.run("profiles", "import", "contoso.json")).toBe(0);
    expect(withSecret.err).toEqual([]);
    expect(withSecret.out.join("\n")).not.toContain(secret);
  });

  it("refuses every file when one is wrong, naming the file and each field", async () => {
    const { dir, run, err, out } = await setup();
    await writeFile(join(dir, "good.json"), JSON.stringify(designExample));
    await writeFile(join(dir, "bad.json"), JSON.stringify(exampleWith({ id: "bad", owner: "nobody", maxConcurrentConnections: 500 })));
    await writeFile(join(dir, "broken.json"), "{");
    expect(await run("profiles", "import", "good.json", "bad.json", "broken.json", "missing.json")).toBe(2);
    const message = err.join("\n");
    expect(message).toMatch(/bad\.json: .*\n\s+owner: .*\n\s+maxConcurrentConnections: /);
    expect(message).toMatch(/broken\.json: \(document\): is not valid JSON at line 1, column 2: /);
    expect(message).toMatch(/missing\.json: \(file\): cannot be read: ENOENT/);
    out.length = 0;
    expect(await run("profiles", "list")).toBe(0);
    expect(out).toEqual([]);
  });

  it("answers wrong input with status 2", async () => {
    const { run, err, dir } = await setup();
    expect(await run("profiles", "export", "Not_An_Id")).toBe(2);
    expect(err.join("\n")).toMatch(/ID: must be/);
    expect(await run("profiles", "export", "x", "--colour", "blue")).toBe(2);
    expect(await run("profiles", "frobnicate")).toBe(2);
    expect(await run("nonsense")).toBe(2);
    expect(await run()).toBe(2);
    const noStorage = cli({}, dir);
    expect(await noStorage.run("profiles", "list")).toBe(2);
    expect(noStorage.err.join("\n")).toMatch(/AzureWebJobsStorage/);
    const badSetting = cli({ AzureWebJobsStorage: "UseDevelopmentStorage=true", SHARD_SIZE: "lots" }, dir);
    expect(await badSetting.run("profiles", "list")).toBe(2);
    expect(badSetting.err.join("\n")).toMatch(/SHARD_SIZE/);
  });
});
