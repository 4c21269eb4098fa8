import { connect } from "node:net";

/** Where UseDevelopmentStorage=true points the storage SDKs: Azurite's (and the old emulator's) fixed ports. */
export const developmentStoragePorts = { queue: 10001, table: 10002 } as const;

export function usesDevelopmentStorage(connectionString: string): boolean {
  return /(^|;)\s*UseDevelopmentStorage\s*=\s*true\s*(;|$)/i.test(connectionString);
}

/**
 * Why UseDevelopmentStorage=true cannot work here (nothing listens on a port it needs), or undefined. Without this the
 * host would start and log a refused connection every few seconds.
 */
export async function developmentStorageProblem(ports: { queue: number; table: number } = developmentStoragePorts): Promise<string | undefined> {
  const closed: string[] = [];
  for (const [service, port] of Object.entries(ports)) if (!(await listening(port))) closed.push(`${service} 127.0.0.1:${port}`);
  if (closed.length === 0) return undefined;
  return (
    `AzureWebJobsStorage is UseDevelopmentStorage=true, but nothing listens on ${closed.join(" and ")} (the storage emulator's ports). ` +
    "Start Azurite (npx azurite --silent --location .azurite), or leave AzureWebJobsStorage unset for the local host's own in-memory Azurite."
  );
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(2_000);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
  });
}
