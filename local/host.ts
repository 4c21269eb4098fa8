import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Declaration } from "../app/declarations.js";
import { functions } from "../app/functions.js";
import { registrationsOf, type Registration } from "../app/registrations.js";
import type { AppContext } from "../lib/app-context.js";
import type { Storage } from "../lib/store/storage.js";
import { defaultHostConfig, type HostConfig } from "./host-config.js";
import { createHttpHost, type LocalKeys } from "./http-host.js";
import { consoleLog, type LocalLog } from "./log.js";
import { startQueues, type QueueHost } from "./queue-host.js";
import { startTimers, type TimerHost } from "./timer-host.js";

/** The app's functions bound to one app context, or (host tests) registrations and the storage their queues use. */
export type LocalHostOptions = HostOptions &
  ({ context: AppContext; declarations?: readonly Declaration[] } | { registrations: readonly Registration[]; storage: Storage });

interface HostOptions {
  port?: number;
  hostConfig?: HostConfig;
  keys?: Partial<LocalKeys>;
  log?: LocalLog;
  /** Tests drive timers by hand with `timers.fire`; the default fires them on their schedules. */
  scheduleTimers?: boolean;
}

export interface LocalHost {
  url: string;
  registrations: readonly Registration[];
  keys: LocalKeys;
  timers: TimerHost;
  queues: QueueHost;
  stop(): Promise<void>;
}

/** The Functions host's behaviour on one machine: HTTP routes, timers and queue triggers from the same registrations. */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const log = options.log ?? consoleLog;
  const { registrations, storage } = "context" in options ? appRegistrations(options.context, options.declarations ?? functions) : options;
  const config = options.hostConfig ?? defaultHostConfig;
  const keys: LocalKeys = { function: keyOrRandom(options.keys?.function), admin: keyOrRandom(options.keys?.admin) };
  const server = createHttpHost({ registrations, routePrefix: config.routePrefix, keys, log });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 7071, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const timers = startTimers(registrations, log, { armSchedules: options.scheduleTimers !== false });
  const queues = startQueues(registrations, storage, config.queues, log);

  return {
    url: `http://localhost:${port}`,
    registrations,
    keys,
    timers,
    queues,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await timers.stop();
      await queues.stop();
    },
  };
}

/** An unset or blank key (LOCAL_FUNCTION_KEY="" as local.settings.sample.json ships it) is a random one, never "". */
function keyOrRandom(given: string | undefined): string {
  return given === undefined || given.trim() === "" ? randomBytes(18).toString("base64url") : given.trim();
}

/** The validated settings carry the schedules and the queue name the registrations need. */
function appRegistrations(context: AppContext, declarations: readonly Declaration[]) {
  return { registrations: registrationsOf(declarations, context.settings, () => context), storage: context.storage };
}
