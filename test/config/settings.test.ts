import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { loadSettings } from "../../lib/config/settings.js";
import { settingsProblems } from "../support/settings.js";

describe("settings", () => {
  it("has a working default for everything", () => {
    const s = loadSettings({});
    expect(s.storage).toEqual({ kind: "not-configured" });
    expect(s.schedules).toEqual({ schedule: "0 * * * * *", notify: "0 */5 * * * *", retention: "0 30 2 * * *", dataverseSync: "0 0 * * * *" });
    expect(s.shardSize).toBe(500);
    expect(s.checksRetentionDays).toBe(7);
    expect(s.probeQueue).toBe("probe-profile");
    expect(s.smtp).toBeUndefined();
  });

  it("reads a connection string, or an account for managed identity", () => {
    expect(loadSettings({ AzureWebJobsStorage: "UseDevelopmentStorage=true" }).storage).toEqual({
      kind: "connection-string",
      connectionString: "UseDevelopmentStorage=true",
    });
    expect(loadSettings({ AzureWebJobsStorage__accountName: "contosomonitor" }).storage).toEqual({
      kind: "managed-identity",
      accountName: "contosomonitor",
      tableUrl: "https://contosomonitor.table.core.windows.net",
      queueUrl: "https://contosomonitor.queue.core.windows.net",
    });
  });

  it("names a non-numeric SMTP port", () => {
    const problems = settingsProblems({ SMTP_HOST: "smtp.contoso.com", SMTP_FROM: "monitor@contoso.com", SMTP_PORT: "twenty-five" });
    expect(problems).toEqual(["SMTP_PORT: must be a whole number from 1 to 65535"]);
  });

  it("names every wrong setting in one error", () => {
    const problems = settingsProblems({
      SMTP_PORT: "70000",
      SMTP_TLS: "maybe",
      SMTP_FROM: "not-an-address",
      SCHEDULE_CRON: "*/5 * * * *",
      NOTIFY_CRON: "0 99 * * * *",
      SHARD_SIZE: "0",
      DNS_SERVERS: "10.0.0.1,dns.contoso.com",
      STATUS_BASE_URL: "ftp://x",
      AzureWebJobsStorage__accountName: "Bad_Name",
    });
    const fields = problems.map((p) => p.split(":")[0]);
    expect(fields.sort()).toEqual(
      [
        "AzureWebJobsStorage__accountName",
        "DNS_SERVERS[1]",
        "NOTIFY_CRON",
        "SCHEDULE_CRON",
        "SHARD_SIZE",
        "SMTP_FROM",
        "SMTP_PORT",
        "SMTP_TLS",
        "STATUS_BASE_URL",
      ].sort(),
    );
    expect(problems.find((p) => p.startsWith("SCHEDULE_CRON"))).toMatch(/six fields/);
  });

  it("requires the from address and the password setting that SMTP needs", () => {
    expect(settingsProblems({ SMTP_HOST: "smtp.contoso.com", SMTP_USER: "monitor" }).sort()).toEqual([
      "SMTP_FROM: is required when SMTP_HOST is set",
      "SMTP_PASSWORD_SETTING: is required when SMTP_USER is set",
    ]);
    expect(settingsProblems({ SMTP_HOST: "h", SMTP_FROM: "a@b.co", SMTP_USER: "u", SMTP_PASSWORD_SETTING: "SMTP_PW" })).toEqual([
      "SMTP_PASSWORD_SETTING: names an app setting that is not set (it must hold the SMTP password)",
    ]);
  });

  it("reads the status cache period: default 10 s, 0 to 300", () => {
    expect(loadSettings({}).statusCacheSeconds).toBe(10);
    expect(loadSettings({ STATUS_CACHE_SECONDS: "0" }).statusCacheSeconds).toBe(0);
    for (const bad of ["301", "-1", "1.5", "soon"]) expect(settingsProblems({ STATUS_CACHE_SECONDS: bad })[0]).toMatch(/^STATUS_CACHE_SECONDS: /);
  });

  it("never lets the SMTP password go in clear", () => {
    expect(settingsProblems({ SMTP_HOST: "h", SMTP_FROM: "a@b.co", SMTP_USER: "u", SMTP_PASSWORD_SETTING: "SMTP_PW", SMTP_PW: "x", SMTP_TLS: "none" })).toEqual([
      "SMTP_TLS: must be starttls or tls when SMTP_USER is set: the SMTP password is never sent in clear",
    ]);
  });

  it("accepts local.settings.sample.json as it ships, leaving storage to the local host (the demo's in-memory Azurite)", async () => {
    const { readFile } = await import("node:fs/promises");
    const sample = JSON.parse(await readFile(new URL("../../local.settings.sample.json", import.meta.url), "utf8")) as { Values: Record<string, string> };
    const s = loadSettings(sample.Values);
    expect(s.storage).toEqual({ kind: "not-configured" });
    expect(s.smtp).toBeUndefined();
    expect(s.profileFiles).toEqual([]);
  });

  it("refuses a storage connection string that cannot work, without quoting it", () => {
    expect(settingsProblems({ AzureWebJobsStorage: "garbage" })).toEqual([
      "AzureWebJobsStorage: must be a storage connection string (DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net) or UseDevelopmentStorage=true",
    ]);
    expect(settingsProblems({ AzureWebJobsStorage: "AccountName=contoso;AccountKey=not base64!" })).toEqual(["AzureWebJobsStorage: AccountKey must be the account's Base64 key"]);
    expect(settingsProblems({ AzureWebJobsStorage: "AccountName=contoso;TableEndpoint=ftp://x;AccountKey=a2V5" })).toEqual(["AzureWebJobsStorage: TableEndpoint must be an http(s) URL"]);
    expect(settingsProblems({ AzureWebJobsStorage: "DefaultEndpointsProtocol=https;AccountName=contoso" })[0]).toMatch(/AccountKey \(or SharedAccessSignature\) is missing/);
    expect(settingsProblems({ AzureWebJobsStorage: "Password=hunter2;AccountName=x" })[0]).toMatch(/"Password" is not a connection string key/);
    expect(settingsProblems({ AzureWebJobsStorage: "SharedAccessSignature=sv=2020&sig=abc;TableEndpoint=https://a.table.core.windows.net" })).toEqual([
      "AzureWebJobsStorage: with SharedAccessSignature, QueueEndpoint must be given",
    ]);
    expect(settingsProblems({ AzureWebJobsStorage: "AccountName=x;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;Junk" }).join()).not.toContain("c2VjcmV0");
    for (const fine of [
      "UseDevelopmentStorage=true",
      "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=c2VjcmV0a2V5Cg==;EndpointSuffix=core.windows.net",
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:2/devstoreaccount1;",
      "SharedAccessSignature=sv=2020&sig=abc;TableEndpoint=https://a.table.core.windows.net;QueueEndpoint=https://a.queue.core.windows.net",
    ]) {
      expect(settingsProblems({ AzureWebJobsStorage: fine })).toEqual([]);
    }
  });

  it("checks at start that every PROFILE_FILES file exists and is a valid profile file, each problem named", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "profile-files-"));
    const notJson = join(dir, "not-json.json");
    const wrong = join(dir, "wrong.json");
    await writeFile(notJson, "{ nope");
    await writeFile(wrong, JSON.stringify({ id: "x", name: "X", serverType: "exchange-server", owner: "nobody", auth: { kind: "basic", username: "svc@x.com", passwordSetting: "X_PW" }, mailboxes: [] }));
    const problems = settingsProblems({ PROFILE_FILES: `/nope.json;${notJson};${wrong};${dir}`, AzureWebJobsStorage: "garbage" });
    expect(problems[0]).toMatch(/^AzureWebJobsStorage: must be a storage connection string/);
    expect(problems.slice(1)).toEqual([
      "PROFILE_FILES: /nope.json does not exist",
      expect.stringMatching(new RegExp(`^PROFILE_FILES: ${notJson} is not a JSON profile file: `)),
      expect.stringMatching(new RegExp(`^PROFILE_FILES: ${wrong}: owner: `)),
      `PROFILE_FILES: ${dir} is not a file`,
    ]);
  });

  it("reads LOG_LEVEL: info by default, error, warn, info or debug", () => {
    expect(loadSettings({}).logLevel).toBe("info");
    expect(loadSettings({ LOG_LEVEL: "Debug" }).logLevel).toBe("debug");
    expect(loadSettings({ LOG_LEVEL: " " }).logLevel).toBe("info");
    expect(settingsProblems({ LOG_LEVEL: "verbose" })).toEqual(["LOG_LEVEL: must be one of error, warn, info, debug"]);
  });

  it("chooses implicit TLS on port 465 and STARTTLS elsewhere", () => {
    expect(loadSettings({ SMTP_HOST: "h", SMTP_FROM: "a@b.co", SMTP_PORT: "465" }).smtp?.tls).toBe("tls");
    expect(loadSettings({ SMTP_HOST: "h", SMTP_FROM: "a@b.co" }).smtp?.tls).toBe("starttls");
  });

  it("splits DNS servers and profile files", () => {
    const profile = fileURLToPath(new URL("../../demo/profiles/contoso-ex2016.json", import.meta.url));
    const s = loadSettings({ DNS_SERVERS: "10.0.0.53, 127.0.0.1:5353", PROFILE_FILES: `${profile}; ${profile}` });
    expect(s.dnsServers).toEqual(["10.0.0.53", "127.0.0.1:5353"]);
    expect(s.profileFiles).toEqual([profile, profile]);
  });
});
