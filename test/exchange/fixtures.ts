import { readFileSync } from "node:fs";

/** A response sample from test/fixtures/exchange, as the bytes a server would send. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/exchange/${name}`, import.meta.url));
}
