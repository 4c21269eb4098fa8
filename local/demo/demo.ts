import { resolve } from "node:path";
import { demoOrganisation, startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { demoSecretSettings } from "../../sim/demo-profiles.js";
import { withDemoDataverse } from "../../sim/dataverse/index.js";
import { TokenCache } from "../../lib/auth/index.js";
import type { DataverseSyncContext } from "../../lib/profiles/dataverse-sync.js";
import { prepareDemoDataverse, type DemoDataverse } from "./dataverse.js";
import type { ProbeEnvironment } from "../../lib/probes/kind.js";
import type { LocalLog } from "../log.js";
import { startSmtpSink, type SmtpSink } from "./smtp-sink.js";

export interface Demo {
  /** Settings the demo adds to the environment (fast schedules, the SMTP sink). */
  env: Record<string, string>;
  probe: ProbeEnvironment;
  /** Reads the demo's profiles and mailboxes from its simulated Dataverse into the tables. */
  load(context: DataverseSyncContext): Promise<void>;
  mailFolder: string;
  stop(): Promise<void>;
}

/**
 * With nothing configured, `npm start` shows the app at work: a simulated Exchange organisation (a healthy
 * profile, one where most mailboxes fail, one whose Basic authentication is off, one on Exchange Online) whose
 * profiles and mailboxes come from a simulated Dynamics 365 (Dataverse) environment with its own verdicts,
 * fast schedules, and a mail sink that saves the owner alerts to a folder.
 */
export async function startDemo(port: number, log: LocalLog, mailFolder = resolve("demo-mail")): Promise<Demo> {
  const sim: SimulatedOrg = await startSimulatedOrg(withDemoDataverse(demoOrganisation()));
  let sink: SmtpSink;
  let dataverse: DemoDataverse;
  try {
    dataverse = await prepareDemoDataverse();
    try {
      sink = await startSmtpSink(mailFolder, log);
    } catch (error) {
      await dataverse.stop();
      throw error;
    }
  } catch (error) {
    await sim.stop();
    throw error;
  }
  const secrets = { ...demoSecretSettings(), ...dataverse.env };
  return {
    env: {
      ...secrets,
      SCHEDULE_CRON: "*/15 * * * * *",
      NOTIFY_CRON: "5,35 * * * * *",
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(sink.port),
      SMTP_TLS: "none",
      SMTP_FROM: "exchange-sync-monitor@demo.local",
      STATUS_BASE_URL: `http://localhost:${port}`,
    },
    probe: {
      env: secrets,
      network: { dnsServers: [sim.dnsServers], extraCaPem: sim.endpoints.caPem, connectTo: (host, p) => sim.connectTo(host, p) },
      tokens: new TokenCache(),
    },
    load: (context) => dataverse.load(context),
    mailFolder,
    async stop() {
      await sink.stop();
      await sim.stop();
      await dataverse.stop();
    },
  };
}
