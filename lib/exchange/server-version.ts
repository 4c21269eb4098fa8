import type { ServerInfo } from "../model/connection.js";
import { attr, child, text, type XmlElement } from "../xml/element.js";

/** An Exchange build as the server reported it; parts stay strings ("15", "1", "2507", "6"). */
export interface ServerBuild {
  major: string;
  minor: string;
  build: string;
  /** Absent when the source does not carry it (POX ServerVersion has no revision). */
  revision?: string;
}

/** "15.1.2507.6" (or "15.1.2507" without a revision). */
export function formatBuild(b: ServerBuild): string {
  return [b.major, b.minor, b.build, b.revision].filter((p) => p !== undefined).join(".");
}

/** The product, told from Major.Minor.Build (never from the schema `Version` name). */
export function productOf(b: ServerBuild): string {
  const { major, minor, build } = numbers(b);
  if (major === 15) {
    if (minor === 0) return build >= 847 ? "Exchange Server 2013 SP1" : "Exchange Server 2013";
    if (minor === 1) return "Exchange Server 2016";
    if (minor === 2) return "Exchange Server 2019 / SE";
    if (minor === 20) return "Exchange Online";
    return `Exchange ${formatBuild(b)}`;
  }
  if (major === 14) {
    const servicePack = ["", " SP1", " SP2", " SP3"][minor];
    return servicePack === undefined ? `Exchange ${formatBuild(b)}` : `Exchange Server 2010${servicePack}`;
  }
  if (major === 8) return "Exchange Server 2007";
  return `Exchange ${formatBuild(b)}`;
}

/** Supported: 2010 SP3, 2013 SP1 and later (2016, 2019/SE, Exchange Online, anything newer). */
export function isSupported(b: ServerBuild): boolean {
  const { major, minor, build } = numbers(b);
  if (major > 15) return true;
  if (major === 15) return minor > 0 || build >= 847;
  return major === 14 && minor >= 3;
}

export function serverInfo(b: ServerBuild): ServerInfo {
  return { build: formatBuild(b), product: productOf(b) };
}

/** EWS `<t:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6"/>`. */
export function buildFromEwsServerVersionInfo(el: XmlElement | undefined): ServerBuild | undefined {
  return buildFromParts(
    attr(el, "MajorVersion"),
    attr(el, "MinorVersion"),
    attr(el, "MajorBuildNumber"),
    attr(el, "MinorBuildNumber"),
  );
}

/** SOAP Autodiscover `ServerVersionInfo`, where the same parts are child elements. */
export function buildFromAutodiscoverServerVersionInfo(el: XmlElement | undefined): ServerBuild | undefined {
  return buildFromParts(
    text(child(el, "MajorVersion")),
    text(child(el, "MinorVersion")),
    text(child(el, "MajorBuildNumber")),
    text(child(el, "MinorBuildNumber")),
  );
}

/** GetUserSettings `CasVersion`, e.g. "15.01.2507.006"; zero padding is dropped. */
export function buildFromDottedVersion(value: string | undefined): ServerBuild | undefined {
  const parts = value?.trim().split(".");
  if (!parts || parts.length < 3 || parts.length > 4) return undefined;
  const [major, minor, build, revision] = parts.map((p) => p.replace(/^0+(?=\d)/, ""));
  return buildFromParts(major, minor, build, revision);
}

/**
 * POX `ServerVersion`: 8 hex digits holding 4 bits of structure version, 6 bits major,
 * 6 bits minor, 1 flag bit and 15 bits major build number ("738180DA" = 14.1.218).
 */
export function buildFromPoxServerVersion(hex: string | undefined): ServerBuild | undefined {
  const value = hex?.trim();
  if (!value || !/^[0-9a-fA-F]{1,8}$/.test(value)) return undefined;
  const n = parseInt(value, 16);
  return {
    major: String((n >>> 22) & 0x3f),
    minor: String((n >>> 16) & 0x3f),
    build: String(n & 0x7fff),
  };
}

function buildFromParts(
  major: string | undefined,
  minor: string | undefined,
  build: string | undefined,
  revision: string | undefined,
): ServerBuild | undefined {
  const digits = /^\d{1,6}$/;
  if (!major || !minor || !build || ![major, minor, build].every((p) => digits.test(p))) return undefined;
  const result: ServerBuild = { major, minor, build };
  if (revision !== undefined && digits.test(revision)) result.revision = revision;
  return result;
}

function numbers(b: ServerBuild): { major: number; minor: number; build: number } {
  return { major: Number(b.major), minor: Number(b.minor), build: Number(b.build) };
}
