/** Exchange build numbers in the forms each protocol writes them. */

export interface Build {
  major: number;
  minor: number;
  build: number;
  revision: number;
}

export function parseBuild(text: string): Build {
  const [major = 15, minor = 0, build = 0, revision = 0] = text.split(".").map((p) => Number.parseInt(p, 10) || 0);
  return { major, minor, build, revision };
}

/** EWS ServerVersionInfo Version attribute, as each product writes it. */
export function ewsVersionName(b: Build): string {
  if (b.major < 15) return "Exchange2010_SP2";
  if (b.minor === 0) return "Exchange2013_SP1";
  if (b.minor >= 20) return "V2018_01_08";
  return "V2017_07_11";
}

/** Autodiscover SOAP ServerVersionInfo/Version. */
export function autodiscoverVersionName(b: Build): string {
  if (b.major < 15) return "Exchange2010";
  if (b.minor === 0) return "Exchange2013";
  return "Exchange2015";
}

/** POX ServerVersion: 4 bits structure (0111), 6 major, 6 minor, 1 flag, 15 build, as 8 hex digits. */
export function poxServerVersion(b: Build): string {
  const value = ((0b0111 << 28) | ((b.major & 0x3f) << 22) | ((b.minor & 0x3f) << 16) | (1 << 15) | (b.build & 0x7fff)) >>> 0;
  return value.toString(16).toUpperCase().padStart(8, "0");
}

/** SOAP CasVersion, e.g. 15.01.2507.006. */
export function casVersion(b: Build): string {
  return `${b.major}.${String(b.minor).padStart(2, "0")}.${String(b.build).padStart(4, "0")}.${String(b.revision).padStart(3, "0")}`;
}
