import { startAzurite, type RunningAzurite } from "../local/azurite.js";
import { parseBenchArgs } from "./args.js";
import { benchDataverseSync } from "./dataverse-sync.js";
import { benchGraph } from "./graph.js";
import { benchProbe } from "./probe.js";
import { describeMachine } from "./report.js";
import { benchStartup } from "./startup.js";
import { benchStatus } from "./status.js";

/** npm run bench -- [probe] [status] [startup] [dataverse] [graph] [--quick] [flags]: prints Markdown tables (see BENCHMARKS.md). */
async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  console.log(`# exchange-sync-monitor benchmarks${options.quick ? " (--quick)" : ""}\n`);
  console.log("```\n" + describeMachine() + "\n```");
  let azurite: RunningAzurite | undefined;
  const storage = async () => (azurite ??= await startAzurite());
  try {
    if (options.names.includes("startup")) await benchStartup(options);
    if (options.names.includes("probe")) await benchProbe(options, await storage());
    if (options.names.includes("status")) await benchStatus(options, await storage());
    if (options.names.includes("dataverse")) await benchDataverseSync(options, await storage());
    if (options.names.includes("graph")) await benchGraph(options, await storage());
  } finally {
    await azurite?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
