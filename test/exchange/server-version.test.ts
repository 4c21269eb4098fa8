import { describe, expect, it } from "vitest";
import {
  buildFromDottedVersion,
  buildFromEwsServerVersionInfo,
  buildFromPoxServerVersion,
  formatBuild,
  isSupported,
  productOf,
  serverInfo,
  type ServerBuild,
} from "../../lib/exchange/server-version.js";
import { parseXml } from "../../lib/xml/safe-parse.js";

const b = (major: string, minor: string, build: string, revision?: string): ServerBuild =>
  revision === undefined ? { major, minor, build } : { major, minor, build, revision };

describe("productOf / isSupported", () => {
  it.each([
    [b("8", "3", "83", "6"), "Exchange Server 2007", false],
    [b("14", "0", "639", "21"), "Exchange Server 2010", false],
    [b("14", "2", "247", "5"), "Exchange Server 2010 SP2", false],
    [b("14", "3", "123", "4"), "Exchange Server 2010 SP3", true],
    [b("15", "0", "620", "29"), "Exchange Server 2013", false],
    [b("15", "0", "846", "0"), "Exchange Server 2013", false],
    [b("15", "0", "847", "32"), "Exchange Server 2013 SP1", true],
    [b("15", "0", "1497", "2"), "Exchange Server 2013 SP1", true],
    [b("15", "1", "2507", "6"), "Exchange Server 2016", true],
    [b("15", "2", "1544", "4"), "Exchange Server 2019 / SE", true],
    [b("15", "20", "7741", "16"), "Exchange Online", true],
    [b("15", "3", "1", "0"), "Exchange 15.3.1.0", true],
  ])("%o is %s (supported: %s)", (build, product, supported) => {
    expect(productOf(build)).toBe(product);
    expect(isSupported(build)).toBe(supported);
  });

  it("formats the build exactly, without a revision when there is none", () => {
    expect(serverInfo(b("15", "1", "2507", "6"))).toEqual({ build: "15.1.2507.6", product: "Exchange Server 2016" });
    expect(formatBuild(b("14", "1", "218"))).toBe("14.1.218");
  });
});

describe("version sources", () => {
  it.each([
    ["738180DA", b("14", "1", "218")],
    ["73C189CB", b("15", "1", "2507")],
    ["73c189cb", b("15", "1", "2507")],
    [" 73C18880 ", b("15", "1", "2176")],
    ["ZZZ", undefined],
    ["1234567890", undefined],
    ["", undefined],
  ])("POX ServerVersion %s", (hex, expected) => {
    expect(buildFromPoxServerVersion(hex)).toEqual(expected);
  });

  it.each([
    ["15.01.2507.006", b("15", "1", "2507", "6")],
    ["15.20.7741.16", b("15", "20", "7741", "16")],
    ["14.03.0123.000", b("14", "3", "123", "0")],
    ["15.1", undefined],
    ["vNext", undefined],
  ])("CasVersion %s", (value, expected) => {
    expect(buildFromDottedVersion(value)).toEqual(expected);
  });

  it("reads EWS ServerVersionInfo attributes and keeps them as strings", () => {
    const xml = `<h:ServerVersionInfo xmlns:h="t" MajorVersion="15" MinorVersion="20" MajorBuildNumber="7741" MinorBuildNumber="016" Version="V2018_01_08"/>`;
    const parsed = parseXml(xml);
    expect(parsed.ok && buildFromEwsServerVersionInfo(parsed.value)).toEqual(b("15", "20", "7741", "016"));
  });

  it("gives up on a ServerVersionInfo that lacks the numbers", () => {
    const parsed = parseXml(`<ServerVersionInfo Version="Exchange2013"/>`);
    expect(parsed.ok && buildFromEwsServerVersionInfo(parsed.value)).toBeUndefined();
  });
});
