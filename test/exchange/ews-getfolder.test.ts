import { describe, expect, it } from "vitest";
import {
  channelsFromFolders,
  firstFolderError,
  foldersFor,
  getFolderRequestBody,
  parseGetFolderResponse,
  type FolderResults,
} from "../../lib/exchange/ews-getfolder.js";
import { attr, children, descendant, parseXml, path, text } from "../../lib/xml/safe-parse.js";
import { fixture } from "./fixtures.js";

describe("getFolderRequestBody", () => {
  it("impersonates the mailbox and asks for the distinguished folders in order", () => {
    const body = getFolderRequestBody({
      address: "jdoe@contoso.com",
      requestServerVersion: "Exchange2010_SP2",
      folders: ["inbox", "sentitems", "calendar", "contacts", "tasks"],
    });
    const parsed = parseXml(body);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const header = path(parsed.value, "Header");
    expect(attr(path(header, "RequestServerVersion"), "Version")).toBe("Exchange2010_SP2");
    expect(text(path(header, "ExchangeImpersonation", "ConnectingSID", "SmtpAddress"))).toBe("jdoe@contoso.com");
    expect(path(header, "ExchangeImpersonation")?.namespace).toBe("http://schemas.microsoft.com/exchange/services/2006/types");
    const ids = children(descendant(parsed.value, "FolderIds"), "DistinguishedFolderId");
    expect(ids.map((f) => attr(f, "Id"))).toEqual(["inbox", "sentitems", "calendar", "contacts", "tasks"]);
    expect(descendant(parsed.value, "GetFolder")?.namespace).toBe("http://schemas.microsoft.com/exchange/services/2006/messages");
  });

  it("escapes the address", () => {
    const body = getFolderRequestBody({ address: "a<b>@x.com", requestServerVersion: "Exchange2013_SP1", folders: ["inbox"] });
    expect(body).toContain("<t:SmtpAddress>a&lt;b&gt;@x.com</t:SmtpAddress>");
    expect(body).toContain('<t:RequestServerVersion Version="Exchange2013_SP1"/>');
  });
});

describe("parseGetFolderResponse", () => {
  it("reads five successes and the server build from ServerVersionInfo attributes", () => {
    expect(parseGetFolderResponse(200, fixture("ews-getfolder-ok.xml"))).toEqual({
      kind: "folders",
      server: { major: "15", minor: "1", build: "2507", revision: "6" },
      folders: { inbox: { ok: true }, sentitems: { ok: true }, calendar: { ok: true }, contacts: { ok: true }, tasks: { ok: true } },
    });
  });

  it("maps per-folder errors in request order, with default namespaces and whitespace in ResponseCode", () => {
    expect(parseGetFolderResponse(200, fixture("ews-getfolder-mixed-default-ns.xml"))).toEqual({
      kind: "folders",
      server: { major: "15", minor: "20", build: "7741", revision: "16" },
      folders: {
        inbox: { ok: true },
        sentitems: { ok: true },
        calendar: { ok: false, responseCode: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." },
        contacts: { ok: true },
        tasks: {
          ok: false,
          responseCode: "ErrorServerBusy",
          message: "The server cannot service this request right now. Try again later.",
          backOffMs: 5000,
        },
      },
    });
  });

  it("maps a subset of folders to the folders asked for", () => {
    const body = fixture("ews-getfolder-ok.xml")
      .toString("utf8")
      .split("\n")
      .filter((line) => !/CalendarFolder|ContactsFolder|TasksFolder/.test(line))
      .join("\n");
    expect(parseGetFolderResponse(200, body, { folders: ["inbox", "sentitems"] })).toMatchObject({
      kind: "folders",
      folders: { inbox: { ok: true }, sentitems: { ok: true } },
    });
  });

  it.each([
    [
      "impersonation denied",
      "ews-fault-impersonation.xml",
      {
        kind: "fault",
        responseCode: "ErrorImpersonateUserDenied",
        message: "The account does not have permission to impersonate the requested user.",
        server: { major: "14", minor: "3", build: "513", revision: "0" },
      },
    ],
    [
      "server busy with BackOffMilliseconds (soap: prefix)",
      "ews-fault-server-busy.xml",
      {
        kind: "fault",
        responseCode: "ErrorServerBusy",
        message: "The server cannot service this request right now. Try again later.",
        backOffMs: 297749,
        server: { major: "14", minor: "3", build: "513", revision: "0" },
      },
    ],
    [
      "no such mailbox",
      "ews-fault-nonexistent-mailbox.xml",
      {
        kind: "fault",
        responseCode: "ErrorNonExistentMailbox",
        message: "The SMTP address has no mailbox associated with it.",
        server: { major: "14", minor: "3", build: "513", revision: "0" },
      },
    ],
    [
      "a fault without detail: the faultcode without its prefix",
      "ews-fault-no-detail.xml",
      {
        kind: "fault",
        responseCode: "ErrorSchemaValidation",
        message:
          "The request failed schema validation: The 'Id' attribute is invalid - The value 'inbx' is invalid according to its datatype.",
      },
    ],
  ])("HTTP 500 SOAP fault: %s", (_label, name, expected) => {
    expect(parseGetFolderResponse(500, fixture(name))).toEqual(expected);
  });

  it("treats one error message for a five-folder request as a whole-request fault", () => {
    expect(parseGetFolderResponse(200, fixture("ews-single-error.xml"))).toEqual({
      kind: "fault",
      responseCode: "ErrorMailboxMoveInProgress",
      message: "Mailbox move in progress. Try again later.",
      server: { major: "15", minor: "2", build: "1544", revision: "4" },
    });
  });

  it.each([
    ["a count that does not match the request", 200, fixture("ews-getfolder-ok.xml"), { folders: ["inbox"] as const }, "invalid-response", "ews-unexpected"],
    ["an Autodiscover answer", 200, fixture("pox-settings-2016.xml"), {}, "invalid-response", "ews-unexpected"],
    ["an HTML login page with 200", 200, fixture("html-login-page.html"), {}, "invalid-response", "xml-doctype"],
    ["an HTML error page with 500", 500, "<html><body>Runtime Error<br></body></html>", {}, "http-status", "500"],
    ["a 401 handed to the wrong parser", 401, "", {}, "http-status", "401"],
    ["billion laughs", 200, fixture("hostile-billion-laughs.xml"), {}, "invalid-response", "xml-doctype"],
    ["50 MB", 200, Buffer.alloc(50 * 1024 * 1024, 0x3c), {}, "response-too-large", "body-too-large"],
  ])("%s is invalid", (_label, status, body, opts, category, code) => {
    const answer = parseGetFolderResponse(status, body, opts);
    expect(answer.kind).toBe("invalid");
    expect(answer.kind === "invalid" && answer.failure).toMatchObject({ category, code });
  });
});

describe("channels", () => {
  const mixed: FolderResults = {
    inbox: { ok: true },
    sentitems: { ok: false, responseCode: "ErrorAccessDenied", message: "denied" },
    calendar: { ok: true },
    contacts: { ok: true },
    tasks: { ok: true },
  };

  it.each([
    [["incoming", "outgoing", "appointmentsContactsTasks"], { incoming: "success", outgoing: "failure", appointmentsContactsTasks: "success" }],
    [["incoming"], { incoming: "success", outgoing: "not-run", appointmentsContactsTasks: "not-run" }],
    [[], { incoming: "not-run", outgoing: "not-run", appointmentsContactsTasks: "not-run" }],
  ] as const)("wanted %j → %j", (wanted, expected) => {
    expect(channelsFromFolders(mixed, wanted)).toEqual(expected);
  });

  it("fails a wanted channel whose folder was not answered, and any one of calendar/contacts/tasks fails the third", () => {
    expect(channelsFromFolders({ inbox: { ok: true } }, ["incoming", "appointmentsContactsTasks"])).toEqual({
      incoming: "success",
      outgoing: "not-run",
      appointmentsContactsTasks: "failure",
    });
    const tasksDenied: FolderResults = { ...mixed, sentitems: { ok: true }, tasks: { ok: false, responseCode: "ErrorFolderNotFound", message: "" } };
    expect(channelsFromFolders(tasksDenied, ["appointmentsContactsTasks"]).appointmentsContactsTasks).toBe("failure");
  });

  it("asks only for the folders the wanted channels need", () => {
    expect(foldersFor(["appointmentsContactsTasks", "incoming"])).toEqual(["inbox", "calendar", "contacts", "tasks"]);
    expect(foldersFor(["outgoing"])).toEqual(["sentitems"]);
  });

  it("names the first failing folder", () => {
    expect(firstFolderError(mixed)).toEqual({ folder: "sentitems", responseCode: "ErrorAccessDenied", message: "denied" });
    expect(firstFolderError({ inbox: { ok: true } })).toBeUndefined();
  });
});
