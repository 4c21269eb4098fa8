import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The storage emulator's well-known development account (public, documented by Microsoft). */
const devAccount = "devstoreaccount1";
const devKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface RunningAzurite {
  connectionString: string;
  ports: { blob: number; queue: number; table: number };
  stop(): Promise<void>;
}

/** Starts Azurite in memory on free ports, in a child process so that it never competes with our event loop. */
export async function startAzurite(options: { startTimeoutMs?: number } = {}): Promise<RunningAzurite> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve("azurite/dist/src/azurite.js");
  const location = await mkdtemp(join(tmpdir(), "azurite-"));
  const child = spawn(
    process.execPath,
    [
      entry,
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--silent",
      "--skipApiVersionCheck",
      "--loose",
      "--blobPort",
      "0",
      "--queuePort",
      "0",
      "--tablePort",
      "0",
    ],
    { stdio: ["ignore", "pipe", "pipe"], cwd: location },
  );
  try {
    const ports = await readPorts(child, options.startTimeoutMs ?? 30_000);
    const host = "http://127.0.0.1";
    const connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${devAccount};AccountKey=${devKey};` +
      `BlobEndpoint=${host}:${ports.blob}/${devAccount};` +
      `QueueEndpoint=${host}:${ports.queue}/${devAccount};` +
      `TableEndpoint=${host}:${ports.table}/${devAccount};`;
    return {
      connectionString,
      ports,
      stop: async () => {
        await stopChild(child);
        await rm(location, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopChild(child);
    await rm(location, { recursive: true, force: true });
    throw error;
  }
}

function readPorts(child: ChildProcess, timeoutMs: number): Promise<{ blob: number; queue: number; table: number }> {
  return new Promise((resolve, reject) => {
    const found: Record<string, number> = {};
    let output = "";
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(/Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/[^:]+:(\d+)/g)) {
        found[match[1]!.toLowerCase()] = Number(match[2]);
      }
      if (found.blob && found.queue && found.table) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ blob: found.blob, queue: found.queue, table: found.table });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before it was ready:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
