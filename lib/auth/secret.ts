import { inspect } from "node:util";

/**
 * A secret value that cannot be printed by accident: String(), JSON and console.log show
 * "[secret]". Only `reveal()` gives the value, at the one place that puts it on the wire.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[secret]";
  }

  toJSON(): string {
    return "[secret]";
  }

  [inspect.custom](): string {
    return "[secret]";
  }
}
