import type { ServerResponse } from "node:http";
import type { AuthOutcome } from "../auth/authenticate.js";
import { ewsFault } from "../ews/xml.js";
import type { ServerKnobs } from "../spec.js";
import type { ServerState } from "../state.js";
import { esc, send, sendXml, whenAnswerDue } from "./io.js";

/** Server-wide misbehaviour that comes before authentication, as a proxy or broken server would show it. */

const loginPage = `<!DOCTYPE html>
<html><head><title>Sign in</title></head>
<body><form method="post" action="/owa/auth.owa"><h1>Outlook</h1>
<label>Domain\\user name: <input name="username"></label><label>Password: <input name="password" type="password"></label>
<input type="submit" value="sign in"></form></body></html>
`;

const malformed: Record<Exclude<ServerKnobs["malformedBody"], false>, string> = {
  truncated: `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetFolderResponse`,
  "not-xml": `{"this": "is not xml"}\n`,
  doctype: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Autodiscover>&lol3;</Autodiscover>`,
};

function streamHuge(res: ServerResponse, bytes: number): void {
  if (res.destroyed) return;
  res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" });
  const head = Buffer.from(`<?xml version="1.0" encoding="utf-8"?><Autodiscover><!--`);
  const chunk = Buffer.alloc(64 * 1024, " ");
  let sent = 0;
  const pump = (): void => {
    while (!res.destroyed) {
      if (sent >= bytes) {
        res.end("-->\n</Autodiscover>\n");
        return;
      }
      const piece = sent === 0 ? head : chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += piece.length;
      if (!res.write(piece)) {
        res.once("drain", pump);
        return;
      }
    }
  };
  pump();
}

/** Answers with the server's fault when one is switched on; returns whether it did. */
export function answerServerFault(knobs: ServerKnobs, res: ServerResponse): boolean {
  if (knobs.hang) return true;
  if (knobs.status503 !== false) {
    send(res, 503, "text/html", "<html><body><h1>Service Unavailable</h1></body></html>", { "Retry-After": String(knobs.status503) });
    return true;
  }
  if (knobs.htmlLoginPage) {
    send(res, 200, "text/html; charset=utf-8", loginPage);
    return true;
  }
  if (knobs.hugeBody !== false) {
    const bytes = knobs.hugeBody;
    whenAnswerDue(res, () => streamHuge(res, bytes));
    return true;
  }
  if (knobs.malformedBody !== false) {
    send(res, 200, "text/xml; charset=utf-8", malformed[knobs.malformedBody]);
    return true;
  }
  return false;
}

/** The `echoSecrets` knob: a server that quotes back what the client sent; returns whether it answered. */
export function echoSecrets(server: ServerState, authorization: string | undefined, auth: AuthOutcome, res: ServerResponse): boolean {
  const mode = server.knobs.echoSecrets;
  if (mode === "authorization-400") {
    if (authorization === undefined) return false;
    // The first leg of an NTLM handshake gets its challenge: the header worth echoing is the authenticate message.
    const ntlmChallenge = auth.kind === "unauthorized" && auth.challenges.some((c) => /^(NTLM|Negotiate)\s+\S/i.test(c));
    if (ntlmChallenge) return false;
    send(res, 400, "text/html", `<html><body><h1>Bad Request</h1><p>The request header Authorization: ${esc(authorization)} is not valid here.</p></body></html>`);
    return true;
  }
  if (mode === "password-fault" && auth.kind === "ok") {
    const secret = auth.principal.kind === "account" ? auth.principal.account.password : (auth.principal.app.clientSecret ?? "");
    const who = auth.principal.kind === "account" ? auth.principal.account.upn : auth.principal.app.clientId;
    sendXml(res, 500, ewsFault(server.build, "ErrorInternalServerError", `Logon of ${who} with password ${secret} failed on the back end.`));
    return true;
  }
  return false;
}
