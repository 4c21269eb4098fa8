import { describe, expect, it } from "vitest";
import { checkRecord, profileRecord } from "../../lib/dataverse/wire.js";
import { dvId, dvProfile } from "../../sim/dataverse/index.js";

const tenant = "5e7c0d3a-1f2b-4c3d-9e8f-a1b2c3d4e5f6";
const app = "2b6d9e14-7a3c-4f58-9d0e-6c1f2a3b4d5e";
const record = (fields: Record<string, unknown>) => ({ ...dvProfile({ emailserverprofileid: dvId(0xe5, 9), name: "Tailspin" }), ...fields });

describe("an email server profile record's app ids (exchangeonlinetenantid, oauthclientid)", () => {
  it("reads them as GUIDs: surrounding spaces dropped, blank or absent as none", () => {
    const read = checkRecord(profileRecord, "emailserverprofileid", record({ exchangeonlinetenantid: ` ${tenant} `, oauthclientid: app.toUpperCase() }));
    expect(read.ok && [read.record.exchangeonlinetenantid, read.record.oauthclientid]).toEqual([tenant, app.toUpperCase()]);
    const blank = checkRecord(profileRecord, "emailserverprofileid", record({ exchangeonlinetenantid: "  ", oauthclientid: undefined }));
    expect(blank.ok && [blank.record.exchangeonlinetenantid, blank.record.oauthclientid]).toEqual([null, null]);
  });

  it("refuses a record whose ids are not GUIDs, naming the record and each wrong column", () => {
    const wrong = checkRecord(profileRecord, "emailserverprofileid", record({ exchangeonlinetenantid: "tailspintoys.onmicrosoft.com", oauthclientid: "crm-sync" }));
    expect(wrong).toEqual({ ok: false, id: dvId(0xe5, 9), reason: 'invalid record "Tailspin": exchangeonlinetenantid: must be a GUID; oauthclientid: must be a GUID' });
  });
});
