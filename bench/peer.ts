import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type PeerRun =
  /** cpuMs: the whole run; startupCpuMs: a run of 10 mailboxes (start-up, certificates, fake EWS), for the per-check difference. */
  | { kind: "ran"; mailboxes: number; requests: number; cpuMs: number; startupCpuMs: number; line: string }
  | { kind: "not-run"; reason: string };

/**
 * Runs the peer benchmark (ews-javascript-api: five folder binds per mailbox; ../shared/peer-bench/run.sh) when it
 * exists, and measures its CPU with bash's `times` (the peer's process holds its fake EWS too, so its CPU is client
 * plus server). It is not a dependency: when the script is missing or fails, the bench says so and goes on.
 * BENCH_PEER_SCRIPT names another script.
 */
export function runPeer(mailboxes: number, connections: number, latencyMs: number): PeerRun {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const script = process.env.BENCH_PEER_SCRIPT ?? path.resolve(here, "../../../shared/peer-bench/run.sh");
  if (!existsSync(script)) return { kind: "not-run", reason: `${script} does not exist` };
  try {
    // The first run installs the peer and makes its certificates: done apart, so its CPU is not counted.
    if (!existsSync(path.join(process.env.TMPDIR ?? tmpdir(), "peer-bench", "node_modules", "ews-javascript-api"))) {
      execFileSync("bash", [script, "10", "1", "0"], { stdio: ["ignore", "ignore", "inherit"], timeout: 600_000 });
    }
    const run = (n: number) => measured(script, n, connections, latencyMs);
    const small = run(10);
    const full = run(mailboxes);
    if (full.kind === "not-run") return full;
    if (small.kind === "not-run") return small;
    return { kind: "ran", mailboxes: full.mailboxes, requests: full.requests, cpuMs: full.cpuMs, startupCpuMs: small.cpuMs, line: full.line };
  } catch (error) {
    return { kind: "not-run", reason: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  }
}

function measured(script: string, mailboxes: number, connections: number, latencyMs: number): Omit<Extract<PeerRun, { kind: "ran" }>, "startupCpuMs"> | Extract<PeerRun, { kind: "not-run" }> {
  const out = execFileSync("bash", ["-c", `bash "$0" "$@" && times`, script, String(mailboxes), String(connections), String(latencyMs)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 1_800_000,
  });
  const lines = out.trim().split("\n");
  const json = lines.find((l) => l.startsWith("{"));
  // `times` prints the shell's own user/system, then its children's: the peer's node process.
  const children = lines.at(-1)!.trim().split(/\s+/).map(seconds);
  if (json === undefined || children.length !== 2 || children.some((n) => Number.isNaN(n))) return { kind: "not-run", reason: `unexpected output: ${out.slice(0, 200)}` };
  const figures = JSON.parse(json) as { N: number; requests?: number };
  return { kind: "ran", mailboxes: figures.N, requests: figures.requests ?? Number.NaN, cpuMs: (children[0]! + children[1]!) * 1000, line: json };
}

/** "1m2.345s" → 62.345 */
function seconds(value: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}
