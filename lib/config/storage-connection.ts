/**
 * Why a storage connection string cannot work, or undefined when it can. The value holds an account key, so no
 * message ever quotes it.
 */
export function connectionStringProblem(value: string): string | undefined {
  const expected = "must be a storage connection string (DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net) or UseDevelopmentStorage=true";
  const pairs = new Map<string, string>();
  for (const part of value.split(";").map((p) => p.trim()).filter((p) => p !== "")) {
    const at = part.indexOf("=");
    if (at <= 0) return expected;
    const key = part.slice(0, at).trim().toLowerCase();
    if (!knownKeys.has(key)) return `${expected}; "${part.slice(0, at).trim()}" is not a connection string key`;
    pairs.set(key, part.slice(at + 1).trim());
  }
  if (pairs.size === 0) return expected;
  const dev = pairs.get("usedevelopmentstorage");
  if (dev !== undefined) return dev.toLowerCase() === "true" ? undefined : "UseDevelopmentStorage must be true";
  const protocol = pairs.get("defaultendpointsprotocol");
  if (protocol !== undefined && protocol !== "http" && protocol !== "https") return "DefaultEndpointsProtocol must be https (or http for an emulator)";
  for (const [key, endpoint] of pairs) {
    if (key.endsWith("endpoint") && !isHttpUrl(endpoint)) return `${displayKey(key)} must be an http(s) URL`;
  }
  if (pairs.has("sharedaccesssignature")) {
    const missing = ["tableendpoint", "queueendpoint"].filter((k) => !pairs.has(k));
    return missing.length === 0 ? undefined : `with SharedAccessSignature, ${missing.map(displayKey).join(" and ")} must be given`;
  }
  if (!pairs.get("accountname")) return `${expected}; AccountName is missing`;
  const key = pairs.get("accountkey");
  if (!key) return `${expected}; AccountKey (or SharedAccessSignature) is missing`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return "AccountKey must be the account's Base64 key";
  return undefined;
}

const keyNames = [
  "DefaultEndpointsProtocol",
  "AccountName",
  "AccountKey",
  "SharedAccessSignature",
  "EndpointSuffix",
  "BlobEndpoint",
  "QueueEndpoint",
  "TableEndpoint",
  "FileEndpoint",
  "BlobSecondaryEndpoint",
  "QueueSecondaryEndpoint",
  "TableSecondaryEndpoint",
  "FileSecondaryEndpoint",
  "UseDevelopmentStorage",
  "DevelopmentStorageProxyUri",
];
const knownKeys = new Map(keyNames.map((k) => [k.toLowerCase(), k]));

function displayKey(key: string): string {
  return knownKeys.get(key) ?? key;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
