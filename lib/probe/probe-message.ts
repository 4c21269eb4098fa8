import type { Runtime } from "../runtime.js";
import { runProbe, type ProbeRunResult } from "./run-probe.js";
import { parseProbeMessage } from "./schedule-plan.js";

export class InvalidProbeMessage extends Error {
  constructor(readonly problems: string[]) {
    super(`The probe message is not valid: ${problems.join("; ")}`);
    this.name = "InvalidProbeMessage";
  }
}

/** The queue function's work: a malformed message is refused (and, after the host's tries, kept in the poison queue). */
export async function handleProbeMessage(runtime: Runtime, payload: unknown): Promise<ProbeRunResult> {
  const parsed = parseProbeMessage(payload);
  if (!parsed.ok) throw new InvalidProbeMessage(parsed.problems);
  return runProbe({ storage: runtime.storage, probe: runtime.probe, now: runtime.now }, parsed.message);
}

export function describeProbeResult(result: ProbeRunResult): string {
  if (result.kind === "skipped") return `profile ${result.profileId} cycle ${result.cycle}: skipped (${result.reason})`;
  const shard = result.shard.count > 1 ? ` shard ${result.shard.index + 1}/${result.shard.count}` : "";
  return (
    `profile ${result.profileId} cycle ${result.cycle}${shard}: ${result.checked} mailboxes checked, ${result.failed} failed` +
    (result.alreadyChecked > 0 ? `, ${result.alreadyChecked} already checked in this cycle` : "") +
    `; Test Connection ${result.testConnection}; peak ${result.peakConnections} connections${result.rolledUp ? "; rolled up" : ""}`
  );
}
