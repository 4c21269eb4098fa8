/** Graph lets an app have about four requests in flight per mailbox; more are answered 429. */
export const mailboxConcurrencyLimit = 4;

/** Requests in flight per app and mailbox, across every HTTP request the Graph hosts are answering. */
export class InFlight {
  readonly #counts = new Map<string, number>();

  /**
   * Takes up to `wanted` places for the app and mailbox; returns how many it got (the rest are to be
   * throttled) and the function that gives them back.
   */
  admit(appId: string, address: string, wanted: number): { admitted: number; release: () => void } {
    const key = `${appId.toLowerCase()}|${address.toLowerCase()}`;
    const current = this.#counts.get(key) ?? 0;
    const admitted = Math.max(0, Math.min(wanted, mailboxConcurrencyLimit - current));
    this.#counts.set(key, current + admitted);
    let released = false;
    return {
      admitted,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.#counts.get(key) ?? admitted) - admitted;
        if (left > 0) this.#counts.set(key, left);
        else this.#counts.delete(key);
      },
    };
  }
}
