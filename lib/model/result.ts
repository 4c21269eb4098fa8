import type { Failure } from "./failure.js";

/** Either a value or a classified failure; every network step answers with one of these. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <T = never>(failure: Failure): Outcome<T> => ({ ok: false, failure });
