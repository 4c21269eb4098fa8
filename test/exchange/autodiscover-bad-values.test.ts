import { describe, expect, it } from "vitest";
import { parsePoxResponse } from "../../lib/exchange/autodiscover-pox.js";

const pox = (account: string) =>
  `<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account>${account}</Account></Response></Autodiscover>`;

describe("unusable values in an Autodiscover answer", () => {
  it.each([
    ["a redirect URL that is not a URL", "<Action>redirectUrl</Action><RedirectUrl>https://</RedirectUrl>"],
    ["a redirect address that is not an address", "<Action>redirectAddr</Action><RedirectAddr>nobody</RedirectAddr>"],
    ["an EWS URL that is not a URL", "<Action>settings</Action><Protocol><Type>EXPR</Type><EwsUrl>::nonsense</EwsUrl></Protocol>"],
    ["an EWS URL of another scheme", "<Action>settings</Action><Protocol><Type>EXPR</Type><EwsUrl>file:///etc/passwd</EwsUrl></Protocol>"],
  ])("makes %s an invalid response, not a crash", (_case, account) => {
    const answer = parsePoxResponse(pox(account));
    expect(answer.kind).toBe("invalid");
    expect(answer.kind === "invalid" && answer.failure).toMatchObject({ category: "invalid-response", code: "autodiscover-bad-value" });
  });

  it("falls back to the usable one of external and internal URLs", () => {
    const answer = parsePoxResponse(
      pox(
        "<Action>settings</Action><Protocol><Type>EXPR</Type><EwsUrl>not a url</EwsUrl></Protocol><Protocol><Type>EXCH</Type><EwsUrl>https://mail.contoso.com/EWS/Exchange.asmx</EwsUrl></Protocol>",
      ),
    );
    expect(answer).toMatchObject({ kind: "settings", ewsUrl: "https://mail.contoso.com/EWS/Exchange.asmx" });
  });
});
