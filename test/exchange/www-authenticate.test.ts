import { describe, expect, it } from "vitest";
import { describeChallenges, offers, parseWwwAuthenticate } from "../../lib/exchange/www-authenticate.js";

describe("parseWwwAuthenticate", () => {
  it.each([
    ["one bare scheme", "NTLM", [{ scheme: "NTLM", params: {} }]],
    [
      "several schemes joined with commas",
      'Negotiate, NTLM, Basic realm="mail.contoso.com"',
      [
        { scheme: "Negotiate", params: {} },
        { scheme: "NTLM", params: {} },
        { scheme: "Basic", params: { realm: "mail.contoso.com" } },
      ],
    ],
    ["no spaces after commas", "Negotiate,NTLM", [{ scheme: "Negotiate", params: {} }, { scheme: "NTLM", params: {} }]],
    [
      "Basic with an empty realm, then more schemes",
      'Basic Realm="",Negotiate',
      [
        { scheme: "Basic", params: { realm: "" } },
        { scheme: "Negotiate", params: {} },
      ],
    ],
    [
      "a token68 with padding",
      "Negotiate oYG3MIG0oAMKAQGhDAYKKwYBBAGCNwICCqKBngSBm0==, NTLM",
      [
        { scheme: "Negotiate", params: {}, token68: "oYG3MIG0oAMKAQGhDAYKKwYBBAGCNwICCqKBngSBm0==" },
        { scheme: "NTLM", params: {} },
      ],
    ],
    ["a token68 without padding", "NTLM TlRMTVNTUAACAAAA", [{ scheme: "NTLM", params: {}, token68: "TlRMTVNTUAACAAAA" }]],
    [
      "Exchange Online Bearer with quoted params containing commas and escapes",
      'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*,x", ' +
        'token_types="app_asserting_user", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
        'error="invalid_token", Error_Description = "say \\"hi\\"", Basic Realm="", Negotiate',
      [
        {
          scheme: "Bearer",
          params: {
            client_id: "00000002-0000-0ff1-ce00-000000000000",
            trusted_issuers: "00000001-0000-0000-c000-000000000000@*,x",
            token_types: "app_asserting_user",
            authorization_uri: "https://login.microsoftonline.com/common/oauth2/authorize",
            error: "invalid_token",
            error_description: 'say "hi"',
          },
        },
        { scheme: "Basic", params: { realm: "" } },
        { scheme: "Negotiate", params: {} },
      ],
    ],
    ["an unquoted param value", "Digest algorithm=MD5, qop=auth", [{ scheme: "Digest", params: { algorithm: "MD5", qop: "auth" } }]],
    ["empty", "", []],
    ["only commas and spaces", " , ,", []],
  ])("%s", (_label, header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });

  it("takes several header lines as one list", () => {
    const challenges = parseWwwAuthenticate(["Negotiate", "NTLM", 'Basic realm="x"']);
    expect(challenges.map((c) => c.scheme)).toEqual(["Negotiate", "NTLM", "Basic"]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });

  it("ignores a param named __proto__ as an attack on the params object", () => {
    const [challenge] = parseWwwAuthenticate('Basic __proto__="x", realm="r"');
    expect(challenge?.params.realm).toBe("r");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("offers / describeChallenges", () => {
  it("compares schemes ignoring case", () => {
    const challenges = parseWwwAuthenticate('Negotiate, NTLM, BASIC realm="x"');
    expect(offers(challenges, "basic")).toBe(true);
    expect(offers(challenges, "Bearer")).toBe(false);
  });

  it("summarises without token68 blobs", () => {
    expect(describeChallenges(parseWwwAuthenticate('Negotiate abc==, Basic realm="x"'))).toBe('Negotiate, Basic realm="x"');
  });
});
