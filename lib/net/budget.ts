/** Gives back one socket's place in the budget; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  origin: string;
  grant: (release: Release) => void;
  refuse: (error: Error) => void;
}

/**
 * The profile-wide socket budget (invariant 4): a connection takes a place before it is opened and
 * gives it back when its socket closes. When the budget is short, `reclaimIdle` is asked to close an
 * idle socket of another origin, so kept-alive sockets of one host never starve another.
 */
export class SocketBudget {
  #inUse = 0;
  #peak = 0;
  #closed = false;
  readonly #waiters: Waiter[] = [];

  constructor(
    readonly limit: number,
    private readonly reclaimIdle: (exceptOrigin: string) => void,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError("maxConnections must be a positive integer");
  }

  get inUse(): number {
    return this.#inUse;
  }

  get peak(): number {
    return this.#peak;
  }

  /** Origins that are waiting for a place, oldest first. */
  waitingOrigins(): string[] {
    return this.#waiters.map((w) => w.origin);
  }

  acquire(origin: string): Promise<Release> {
    if (this.#closed) return Promise.reject(new BudgetClosedError());
    if (this.#inUse < this.limit) return Promise.resolve(this.#take());
    return new Promise<Release>((grant, refuse) => {
      this.#waiters.push({ origin, grant, refuse });
      this.reclaimIdle(origin);
    });
  }

  /** Refuses every waiter; places already taken are still given back by their sockets. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter.refuse(new BudgetClosedError());
  }

  #take(): Release {
    this.#inUse += 1;
    this.#peak = Math.max(this.#peak, this.#inUse);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inUse -= 1;
      this.#handOver();
    };
  }

  #handOver(): void {
    while (this.#inUse < this.limit && this.#waiters.length > 0) {
      const waiter = this.#waiters.shift() as Waiter;
      waiter.grant(this.#take());
    }
  }
}

export class BudgetClosedError extends Error {
  readonly code = "ERR_CONNECTIONS_CLOSED";
  constructor() {
    super("the profile's connections were closed");
  }
}
