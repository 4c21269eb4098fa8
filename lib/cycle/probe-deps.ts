import type { ProbeEnvironment } from "../probes/kind.js";
import type { Storage } from "../store/storage.js";

export interface ProbeDeps {
  storage: Storage;
  probe: ProbeEnvironment;
  now(): Date;
  /** How long a shard waits for a share of the profile's connections before its message is tried again later (60 s). */
  shareWaitMs?: number;
}
