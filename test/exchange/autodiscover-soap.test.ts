import { describe, expect, it } from "vitest";
import { getUserSettingsRequestBody, parseGetUserSettingsResponse } from "../../lib/exchange/autodiscover-soap.js";
import { children, parseXml, path, text } from "../../lib/xml/safe-parse.js";
import { fixture } from "./fixtures.js";

describe("getUserSettingsRequestBody", () => {
  it("is SOAP 1.1 with the version, Action and To headers and the three settings", () => {
    const url = "https://autodiscover.contoso.com/autodiscover/autodiscover.svc";
    const parsed = parseXml(getUserSettingsRequestBody("jdoe@contoso.com", url));
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const envelope = parsed.value;
    expect(envelope.namespace).toBe("http://schemas.xmlsoap.org/soap/envelope/");
    const header = path(envelope, "Header");
    expect(text(path(header, "RequestedServerVersion"))).toBe("Exchange2010");
    expect(text(path(header, "Action"))).toBe("http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings");
    expect(path(header, "Action")?.namespace).toBe("http://www.w3.org/2005/08/addressing");
    expect(text(path(header, "To"))).toBe(url);
    const request = path(envelope, "Body", "GetUserSettingsRequestMessage", "Request");
    expect(text(path(request, "Users", "User", "Mailbox"))).toBe("jdoe@contoso.com");
    expect(children(path(request, "RequestedSettings"), "Setting").map((s) => text(s))).toEqual([
      "ExternalEwsUrl",
      "InternalEwsUrl",
      "CasVersion",
    ]);
  });
});

describe("parseGetUserSettingsResponse", () => {
  it.each([
    [
      "both URLs, server from the ServerVersionInfo header",
      "soap-settings.xml",
      {
        kind: "settings",
        ewsUrl: "https://mail.contoso.com/EWS/Exchange.asmx",
        externalEwsUrl: "https://mail.contoso.com/EWS/Exchange.asmx",
        internalEwsUrl: "https://ex01.corp.contoso.com/EWS/Exchange.asmx",
        server: { major: "15", minor: "1", build: "2507", revision: "6" },
      },
    ],
    [
      "SettingIsNotAvailable for ExternalEwsUrl is harmless; server from CasVersion; ErrorCode padded with whitespace",
      "soap-settings-partial.xml",
      {
        kind: "settings",
        ewsUrl: "https://ex19.corp.contoso.com/EWS/Exchange.asmx",
        internalEwsUrl: "https://ex19.corp.contoso.com/EWS/Exchange.asmx",
        server: { major: "15", minor: "2", build: "1544", revision: "4" },
      },
    ],
    ["InvalidUser", "soap-invalid-user.xml", { kind: "error", errorCode: "InvalidUser", message: "Invalid user: 'nobody@contoso.com'" }],
    ["RedirectAddress", "soap-redirect-address.xml", { kind: "redirect-address", address: "jdoe@contoso.mail.onmicrosoft.com" }],
    [
      "RedirectUrl",
      "soap-redirect-url.xml",
      { kind: "redirect-url", url: "https://autodiscover.fabrikam.com/autodiscover/autodiscover.svc" },
    ],
    [
      "an error on the whole Response",
      "soap-response-error.xml",
      { kind: "error", errorCode: "ServerBusy", message: "The server is too busy to process the request." },
    ],
  ])("%s", (_label, name, expected) => {
    expect(parseGetUserSettingsResponse(fixture(name))).toEqual(expected);
  });

  it("reports SettingIsNotAvailable when no EWS URL at all is available", () => {
    const body = fixture("soap-settings-partial.xml")
      .toString("utf8")
      .replace(/<ad:UserSetting xsi:type="ad:StringSetting"><ad:Name>InternalEwsUrl.*?<\/ad:UserSetting>/, "");
    expect(parseGetUserSettingsResponse(body)).toEqual({
      kind: "error",
      errorCode: "SettingIsNotAvailable",
      message: "ExternalEwsUrl: User setting 'ExternalEwsUrl' is not available.",
    });
  });

  it("turns a SOAP fault into an error with its code", () => {
    expect(parseGetUserSettingsResponse(fixture("ews-fault-no-detail.xml"))).toMatchObject({
      kind: "error",
      errorCode: "ErrorSchemaValidation",
    });
  });

  it.each([
    ["a POX answer", fixture("pox-settings-2016.xml"), "autodiscover-unexpected"],
    ["an envelope with an empty body", `<s:Envelope xmlns:s="x"><s:Body/></s:Envelope>`, "autodiscover-unexpected"],
    ["an external entity", fixture("hostile-xxe.xml"), "xml-doctype"],
    ["HTML", "<html><head><title>Sign in</title></head><body><input></body></html>", "xml-malformed"],
  ])("%s is invalid (%s)", (_label, body, code) => {
    const answer = parseGetUserSettingsResponse(body);
    expect(answer.kind === "invalid" && answer.failure).toMatchObject({ category: "invalid-response", code });
  });
});
