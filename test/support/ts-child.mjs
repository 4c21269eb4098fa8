// node --experimental-transform-types --import ./test/support/ts-child.mjs some/entry.ts: see ts-child-hooks.mjs.
import { register } from "node:module";
register("./ts-child-hooks.mjs", import.meta.url);
