import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../cli/io.js";
import { commands, main } from "../../cli/main.js";

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env: {}, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  const code = await main(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("the command line's help and version (issue 15)", () => {
  it("--help names every option of every command, --connect-to included, and exits 0", async () => {
    const { code, out } = await run("--help");
    expect(code).toBe(0);
    expect(out).toContain("--connect-to HOST1:PORT1:HOST2:PORT2");
    expect(out).toContain("--version");
    for (const name of Object.keys(commands)) expect(out).toContain(`  ${name} `);
  });

  it("--version prints the package's version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) expect(await run(flag)).toEqual({ code: 0, out: `exchange-sync-monitor ${version}`, err: "" });
  });

  it.each(Object.keys(commands))("%s --help (and -h, and help COMMAND) prints its usage on stdout with exit 0", async (name) => {
    for (const argv of [[name, "--help"], [name, "-h"], ["help", name]]) {
      const { code, out, err } = await run(...argv);
      expect({ argv, code, err }).toEqual({ argv, code: 0, err: "" });
      expect(out).toContain(`exchange-sync-monitor ${name}`);
    }
  });

  it("profiles ACTION --help too, without touching storage", async () => {
    for (const action of ["import", "export", "list", "delete"]) {
      const { code, out } = await run("profiles", action, "--help");
      expect(code).toBe(0);
      expect(out).toContain("import FILE...");
    }
  });

  it("no command is still wrong input (exit 2, usage on stderr)", async () => {
    const { code, err } = await run();
    expect(code).toBe(2);
    expect(err).toMatch(/usage:/);
  });
});
