import type { TestProject } from "vitest/node";
import { startAzurite, type RunningAzurite } from "../../local/azurite.js";

declare module "vitest" {
  export interface ProvidedContext {
    storageConnectionString: string;
  }
}

let azurite: RunningAzurite | undefined;

/** One in-memory Azurite for the whole run; each test uses its own table and queue names. */
export async function setup(project: TestProject): Promise<void> {
  azurite = await startAzurite();
  project.provide("storageConnectionString", azurite.connectionString);
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}
