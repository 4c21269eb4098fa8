import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoDataverseClientId, demoDataverseHost, demoDataverseSecret, demoProfileIds, withDemoDataverse } from "../../sim/dataverse/index.js";
import { demoOrganisation, demoTenant, startSimulatedOrg, type SimulatedOrg } from "../../sim/index.js";
import { simRequest } from "./support/client.js";

const api = `https://${demoDataverseHost}/api/data/v9.2`;

async function token(sim: SimulatedOrg, scope: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: demoDataverseClientId, client_secret: demoDataverseSecret, scope }).toString();
  const res = await simRequest(sim, `https://login.microsoftonline.com/${demoTenant}/oauth2/v2.0/token`, { body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  return (JSON.parse(res.body) as { access_token: string }).access_token;
}

describe("simulated Dataverse Web API", () => {
  let sim: SimulatedOrg;
  let bearer: Record<string, string>;
  beforeAll(async () => {
    sim = await startSimulatedOrg(withDemoDataverse(demoOrganisation()));
    bearer = { Authorization: `Bearer ${await token(sim, `https://${demoDataverseHost}/.default`)}` };
  });
  afterAll(() => sim.stop());

  const get = (path: string, headers: Record<string, string> = {}) => simRequest(sim, `${api}/${path}`, { headers: { ...bearer, ...headers } });

  it("pages with odata.maxpagesize: Preference-Applied, a next link with a skip token, and the rest on the next page", async () => {
    const first = await get(`mailboxes?$select=emailaddress&$filter=_emailserverprofile_value eq ${demoProfileIds.contoso}`.replace(/ /g, "%20"), { Prefer: "odata.maxpagesize=5" });
    expect(first.status).toBe(200);
    expect(first.headers["preference-applied"]).toBe("odata.maxpagesize=5");
    const page1 = JSON.parse(first.body) as { value: { mailboxid: string; emailaddress: string }[]; "@odata.nextLink"?: string };
    expect(page1.value).toHaveLength(5);
    expect(Object.keys(page1.value[0]!).sort()).toEqual(["@odata.etag", "emailaddress", "mailboxid"]);
    expect(page1["@odata.nextLink"]).toMatch(/\$skiptoken=/);
    const ids = page1.value.map((m) => m.mailboxid);
    const sizes = [page1.value.length];
    for (let next = page1["@odata.nextLink"]; next !== undefined; ) {
      const res = await simRequest(sim, next, { headers: { ...bearer, Prefer: "odata.maxpagesize=5" } });
      const page = JSON.parse(res.body) as { value: { mailboxid: string }[]; "@odata.nextLink"?: string };
      sizes.push(page.value.length);
      ids.push(...page.value.map((m) => m.mailboxid));
      next = page["@odata.nextLink"];
    }
    expect(sizes).toEqual([5, 5, 2]);
    expect(new Set(ids).size).toBe(12);
  });

  it("refuses $skip, unknown columns and filters it does not implement, with the OData error body", async () => {
    const skip = await get("mailboxes?$skip=5");
    expect(skip.status).toBe(400);
    expect(JSON.parse(skip.body)).toEqual({ error: { code: "0x0", message: "The query parameter $skip is not supported." } });
    const column = await get("mailboxes?$select=nosuchcolumn");
    expect(JSON.parse(column.body).error.message).toBe("Could not find a property named 'nosuchcolumn' on type 'Microsoft.Dynamics.CRM.mailbox'.");
    expect((await get("mailboxes?$filter=contains(emailaddress,'a')")).status).toBe(400);
  });

  it("checks the token: none or another audience is 401, and a user that does not exist is 404", async () => {
    expect((await simRequest(sim, `${api}/mailboxes`)).status).toBe(401);
    const other = await simRequest(sim, `${api}/mailboxes`, { headers: { Authorization: `Bearer ${await token(sim, "https://outlook.office365.com/.default")}` } });
    expect(other.status).toBe(401);
    expect(other.headers["www-authenticate"]).toMatch(/audience/);
    const missing = await get("systemusers(00000000-0000-4000-8000-00000000ffff)?$select=internalemailaddress");
    expect(missing.status).toBe(404);
  });

  it("answers 429 with Retry-After for the next N requests, then serves again", async () => {
    sim.dataverse!.setKnobs({ throttleNext: 1, retryAfterSeconds: 4 });
    const throttled = await get("emailserverprofiles?$select=name");
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("4");
    expect(JSON.parse(throttled.body).error.code).toBe("0x80072322");
    expect((await get("emailserverprofiles?$select=name")).status).toBe(200);
  });
});
