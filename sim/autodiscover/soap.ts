import { esc, elementTexts } from "../http/io.js";
import { autodiscoverVersionName, casVersion, parseBuild, type Build } from "../version.js";
import type { AutodiscoverAnswer } from "./decide.js";

/** SOAP Autodiscover: GetUserSettings only. */

const adNs = "http://schemas.microsoft.com/exchange/2010/Autodiscover";

export type SoapRequest = { kind: "getUserSettings"; mailboxes: string[]; settings: string[] } | { kind: "unsupported" };

export function parseSoapRequest(body: string): SoapRequest {
  if (!/<(?:[\w.-]+:)?GetUserSettingsRequestMessage[\s>]/.test(body)) return { kind: "unsupported" };
  return { kind: "getUserSettings", mailboxes: elementTexts(body, "Mailbox"), settings: elementTexts(body, "Setting") };
}

function envelope(build: Build, body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing">
  <s:Header>
    <a:Action s:mustUnderstand="1">${adNs}/Autodiscover/GetUserSettingsResponse</a:Action>
    <h:ServerVersionInfo xmlns:h="${adNs}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
      <h:MajorVersion>${build.major}</h:MajorVersion>
      <h:MinorVersion>${build.minor}</h:MinorVersion>
      <h:MajorBuildNumber>${build.build}</h:MajorBuildNumber>
      <h:MinorBuildNumber>${build.revision}</h:MinorBuildNumber>
      <h:Version>${autodiscoverVersionName(build)}</h:Version>
    </h:ServerVersionInfo>
  </s:Header>
  <s:Body>${body}</s:Body>
</s:Envelope>
`;
}

function userResponse(a: AutodiscoverAnswer, requested: string[]): string {
  const head = (code: string, message: string, target?: string) =>
    `<UserResponse><ErrorCode>${code}</ErrorCode><ErrorMessage>${esc(message)}</ErrorMessage>` +
    (target ? `<RedirectTarget>${esc(target)}</RedirectTarget>` : `<RedirectTarget i:nil="true"/>`);
  switch (a.kind) {
    case "notFound":
      return `${head("InvalidUser", `Invalid user: '${a.address}'`)}<UserSettingErrors/><UserSettings/></UserResponse>`;
    case "redirectAddr":
      return `${head("RedirectAddress", "Redirection address.", a.address)}<UserSettingErrors/><UserSettings/></UserResponse>`;
    case "redirectUrl":
      return `${head("RedirectUrl", "Redirection URL.", a.url)}<UserSettingErrors/><UserSettings/></UserResponse>`;
    case "settings": {
      const known: Record<string, string> = {
        ExternalEwsUrl: a.ewsUrl,
        InternalEwsUrl: a.ewsUrl,
        CasVersion: casVersion(parseBuild(a.build)),
        UserDisplayName: a.displayName,
        AutoDiscoverSMTPAddress: a.address,
      };
      const settings = requested.filter((s) => s in known);
      const missing = requested.filter((s) => !(s in known));
      const errors = missing
        .map((s) => `<UserSettingError><ErrorCode>SettingIsNotAvailable</ErrorCode><ErrorMessage>User setting '${esc(s)}' is not available.</ErrorMessage><SettingName>${esc(s)}</SettingName></UserSettingError>`)
        .join("");
      const values = settings.map((s) => `<UserSetting i:type="StringSetting"><Name>${s}</Name><Value>${esc(known[s]!)}</Value></UserSetting>`).join("");
      return `${head("NoError", "No error.")}<UserSettingErrors>${errors}</UserSettingErrors><UserSettings>${values}</UserSettings></UserResponse>`;
    }
  }
}

export function soapResponse(build: string, answers: AutodiscoverAnswer[], requested: string[]): string {
  const users = answers.map((a) => userResponse(a, requested)).join("");
  return envelope(
    parseBuild(build),
    `<GetUserSettingsResponseMessage xmlns="${adNs}"><Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
      `<ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses>${users}</UserResponses></Response></GetUserSettingsResponseMessage>`,
  );
}

/** A whole-request SOAP error (Response/ErrorCode), e.g. InvalidRequest. */
export function soapRequestError(build: string, code: string, message: string): string {
  return envelope(
    parseBuild(build),
    `<GetUserSettingsResponseMessage xmlns="${adNs}"><Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
      `<ErrorCode>${code}</ErrorCode><ErrorMessage>${esc(message)}</ErrorMessage><UserResponses/></Response></GetUserSettingsResponseMessage>`,
  );
}
