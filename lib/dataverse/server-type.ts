import type { serverTypes } from "../config/profile.js";
import type { ProfileRecord } from "./wire.js";

export type ServerType = (typeof serverTypes)[number];

export type ServerTypeMapping = { ok: true; serverType: ServerType } | { ok: false; reason: string };

const oauthProtocol = 4;
const serverToServer = 2;
const oauthRetrieval = 7;

/**
 * Dataverse's `servertype` → the monitor's server type. 0 Exchange Server is Exchange Online when the profile
 * authenticates server-to-server or with OAuth (the default Exchange Online profile); 2 Exchange Server (Hybrid)
 * is on-premises Exchange reached from Dynamics online; 3 Exchange Online (Hybrid). POP3/IMAP and unknown values
 * are not Exchange and are skipped with their reason.
 */
export function serverTypeOf(p: Pick<ProfileRecord, "servertype" | "incomingauthenticationprotocol" | "incomingcredentialretrieval">): ServerTypeMapping {
  switch (p.servertype) {
    case 0: {
      const online = p.incomingauthenticationprotocol === oauthProtocol || p.incomingcredentialretrieval === serverToServer || p.incomingcredentialretrieval === oauthRetrieval;
      return { ok: true, serverType: online ? "exchange-online" : "exchange-server" };
    }
    case 2:
      return { ok: true, serverType: "exchange-server" };
    case 3:
      return { ok: true, serverType: "exchange-online-hybrid" };
    case 1:
      return { ok: false, reason: "unsupported server type 1 (POP3/SMTP): the monitor checks Exchange connections only" };
    case 4:
      return { ok: false, reason: "unsupported server type 4 (IMAP/SMTP): the monitor checks Exchange connections only" };
    case null:
      return { ok: false, reason: "missing fields: servertype" };
    default:
      return { ok: false, reason: `unsupported server type ${p.servertype}: not a value the monitor knows (0, 2 or 3 are Exchange)` };
  }
}
