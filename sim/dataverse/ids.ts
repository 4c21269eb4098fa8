/** Deterministic GUIDs for simulated records: `kind` tells the entity apart, `n` the record. */
export function dvId(kind: number, n: number): string {
  return `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

export const idKinds = { profile: 0xe5, mailbox: 0x3b, user: 0x5e, tracelog: 0x71 } as const;
