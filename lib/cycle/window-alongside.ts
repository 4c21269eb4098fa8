import { RecordedOverStored, type CheckResult } from "../store/checks.js";
import type { Storage } from "../store/storage.js";
import { afterTurns } from "../util/turns.js";
import { readChecksEarly, type ChecksSoFar } from "./roll-up.js";

/**
 * The window's check rows, read while a sole shard probes, so that its roll-up needs no read after its last write: the
 * read begins at the first answer (started sooner, its work and the storage's would compete with opening the
 * connections and sending the first requests), and once the last requests are out the results so far are folded into
 * the rows read while the last answers come.
 */
export class WindowAlongside {
  #read: Promise<ChecksSoFar["read"] | undefined> | undefined;
  #folded: RecordedOverStored | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly profileId: string,
    private readonly now: () => Date,
    /** Every result the shard recorded so far (the same array as it grows). */
    private readonly recorded: readonly CheckResult[],
  ) {}

  /** An answer is in: the read begins at the first. */
  answered(): void {
    this.#read ??= readChecksEarly(this.storage, this.profileId, this.now());
  }

  /** The last requests are out: the results so far are folded in, one turn later (after the answers already in). */
  foldSoon(): void {
    void afterTurns().then(async () => {
      const read = await this.#read;
      if (read !== undefined) (this.#folded ??= new RecordedOverStored(read.checks, this.recorded)).catchUp();
    });
  }

  /** What the roll-up starts from once the read begun has ended (it never throws); none when nothing could be read. */
  async soFar(): Promise<ChecksSoFar | undefined> {
    const read = await this.#read;
    if (read === undefined) return undefined;
    return { read, recorded: this.recorded, ...(this.#folded === undefined ? {} : { folded: this.#folded }) };
  }
}
