import { describe, expect, it } from "vitest";
import { parsePoxResponse, poxRequestBody } from "../../lib/exchange/autodiscover-pox.js";
import { parseXml, path, text } from "../../lib/xml/safe-parse.js";
import { fixture } from "./fixtures.js";

describe("poxRequestBody", () => {
  it("asks for the 2006a Outlook schema for the (escaped) address", () => {
    const body = poxRequestBody("o'brien&co@contoso.com");
    const parsed = parseXml(body);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(parsed.value.namespace).toBe("http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006");
    expect(text(path(parsed.value, "Request", "EMailAddress"))).toBe("o'brien&co@contoso.com");
    expect(text(path(parsed.value, "Request", "AcceptableResponseSchema"))).toBe(
      "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a",
    );
  });
});

describe("parsePoxResponse", () => {
  it.each([
    [
      "settings with EXPR and EXCH: external first, server from the hex ServerVersion",
      "pox-settings-2016.xml",
      {
        kind: "settings",
        ewsUrl: "https://mail.contoso.com/EWS/Exchange.asmx",
        externalEwsUrl: "https://mail.contoso.com/EWS/Exchange.asmx",
        internalEwsUrl: "https://ex01.corp.contoso.com/EWS/Exchange.asmx",
        server: { major: "15", minor: "1", build: "2507" },
      },
    ],
    [
      "prefixed elements, whitespace around the Action, only ASUrl",
      "pox-settings-prefixed-asurl.xml",
      {
        kind: "settings",
        ewsUrl: "https://ex2010.corp.fabrikam.com/EWS/Exchange.asmx",
        internalEwsUrl: "https://ex2010.corp.fabrikam.com/EWS/Exchange.asmx",
        server: { major: "14", minor: "1", build: "218" },
      },
    ],
    [
      "BOM and no declaration, EXPR only",
      "pox-settings-bom-no-declaration.xml",
      {
        kind: "settings",
        ewsUrl: "https://outlook.office365.com/EWS/Exchange.asmx",
        externalEwsUrl: "https://outlook.office365.com/EWS/Exchange.asmx",
      },
    ],
    ["redirectAddr", "pox-redirect-addr.xml", { kind: "redirect-address", address: "jdoe@contoso.mail.onmicrosoft.com" }],
    [
      "redirectUrl spelled RedirectURL",
      "pox-redirect-url.xml",
      { kind: "redirect-url", url: "https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml" },
    ],
    ["error 500 under Response", "pox-error-500.xml", { kind: "error", errorCode: "500", message: "The email address can't be found." }],
    [
      "error under Account, entity in the message",
      "pox-error-account-603.xml",
      { kind: "error", errorCode: "603", message: "The Autodiscover service couldn't be found & returned an internal error." },
    ],
  ])("%s", (_label, name, expected) => {
    expect(parsePoxResponse(fixture(name))).toEqual(expected);
  });

  it.each([
    ["billion laughs", fixture("hostile-billion-laughs.xml"), "xml-doctype"],
    ["external entity", fixture("hostile-xxe.xml"), "xml-doctype"],
    ["HTML login page", fixture("html-login-page.html"), "xml-doctype"],
    ["garbage", "\u0000\u0001garbage", "xml-malformed"],
    ["a SOAP envelope", fixture("soap-settings.xml"), "autodiscover-unexpected"],
    ["settings without any EWS URL", settingsWithout(), "autodiscover-unexpected"],
    ["redirectAddr without an address", actionOnly("redirectAddr"), "autodiscover-unexpected"],
    ["an unknown Action", actionOnly("launchMissiles"), "autodiscover-unexpected"],
  ])("%s is invalid (%s)", (_label, body, code) => {
    const answer = parsePoxResponse(body);
    expect(answer.kind).toBe("invalid");
    expect(answer.kind === "invalid" && answer.failure).toMatchObject({ category: "invalid-response", code });
  });

  it("refuses a 50 MB answer as response-too-large", () => {
    const answer = parsePoxResponse(Buffer.alloc(50 * 1024 * 1024, 0x20));
    expect(answer.kind === "invalid" && answer.failure.category).toBe("response-too-large");
  });
});

function actionOnly(action: string): string {
  return `<Autodiscover><Response><Account><Action>${action}</Action></Account></Response></Autodiscover>`;
}

function settingsWithout(): string {
  return `<Autodiscover><Response><Account><Action>settings</Action><Protocol><Type>WEB</Type></Protocol></Account></Response></Autodiscover>`;
}
