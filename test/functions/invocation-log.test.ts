import { describe, expect, it } from "vitest";
import azureFunctions from "@azure/functions";
import { invocationLog } from "../../app/declarations.js";

const { InvocationContext } = azureFunctions;

function lines(threshold: "error" | "warn" | "info" | "debug"): string[] {
  const written: string[] = [];
  const invocation = new InvocationContext({ functionName: "schedule", logHandler: (level, ...args) => written.push(`${level}: ${args.join(" ")}`) });
  const log = invocationLog(invocation, threshold);
  log.error("e");
  log.warn("w");
  log.info("i");
  log.debug("d");
  return written;
}

describe("a function's log on the Functions host", () => {
  it("passes to the host's logging only the lines LOG_LEVEL allows, at the host's own levels", () => {
    expect(lines("info")).toEqual(["error: e", "warning: w", "information: i"]);
    expect(lines("debug")).toEqual(["error: e", "warning: w", "information: i", "debug: d"]);
    expect(lines("error")).toEqual(["error: e"]);
  });
});
