import { esc, elementTexts } from "../http/io.js";
import { parseBuild, poxServerVersion } from "../version.js";
import type { AutodiscoverAnswer } from "./decide.js";

/** POX Autodiscover (Outlook 2006a response schema). */

const responseNs = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
const outlookNs = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

export type PoxRequest = { kind: "ok"; address: string } | { kind: "invalid" };

export function parsePoxRequest(body: string): PoxRequest {
  const address = elementTexts(body, "EMailAddress")[0];
  return address ? { kind: "ok", address } : { kind: "invalid" };
}

const wrap = (inner: string): string =>
  `<?xml version="1.0" encoding="utf-8"?>\n<Autodiscover xmlns="${responseNs}">\n  <Response xmlns="${outlookNs}">\n${inner}\n  </Response>\n</Autodiscover>\n`;

export function poxError(code: "500" | "600" | "601", message: string): string {
  const time = new Date().toISOString().slice(11, 23);
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${responseNs}">
  <Response>
    <Error Time="${time}" Id="2477272013">
      <ErrorCode>${code}</ErrorCode>
      <Message>${esc(message)}</Message>
      <DebugData />
    </Error>
  </Response>
</Autodiscover>
`;
}

function protocol(type: "EXCH" | "EXPR", a: Extract<AutodiscoverAnswer, { kind: "settings" }>): string {
  const version = poxServerVersion(parseBuild(a.build));
  const server = type === "EXCH" ? `${a.serverHost.split(".")[0]}@${a.serverHost}` : a.serverHost;
  return `      <Protocol>
        <Type>${type}</Type>
        <Server>${esc(server)}</Server>
        <ServerVersion>${version}</ServerVersion>
        <SSL>On</SSL>
        <AuthPackage>${type === "EXPR" ? "Basic" : "Ntlm"}</AuthPackage>
        <ASUrl>${esc(a.ewsUrl)}</ASUrl>
        <EwsUrl>${esc(a.ewsUrl)}</EwsUrl>
      </Protocol>`;
}

export function poxResponse(a: AutodiscoverAnswer): string {
  switch (a.kind) {
    case "notFound":
      return poxError("500", "The email address can't be found.");
    case "redirectAddr":
      return wrap(`    <Account>\n      <AccountType>email</AccountType>\n      <Action>redirectAddr</Action>\n      <RedirectAddr>${esc(a.address)}</RedirectAddr>\n    </Account>`);
    case "redirectUrl":
      return wrap(`    <Account>\n      <AccountType>email</AccountType>\n      <Action>redirectUrl</Action>\n      <RedirectUrl>${esc(a.url)}</RedirectUrl>\n    </Account>`);
    case "settings":
      return wrap(`    <User>
      <DisplayName>${esc(a.displayName)}</DisplayName>
      <AutoDiscoverSMTPAddress>${esc(a.address)}</AutoDiscoverSMTPAddress>
    </User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <MicrosoftOnline>False</MicrosoftOnline>
${protocol("EXCH", a)}
${protocol("EXPR", a)}
    </Account>`);
  }
}
