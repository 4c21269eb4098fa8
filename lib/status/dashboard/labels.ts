/** Words for the administrator beside the error vocabulary's codes (a category without words shows its code). */
const categoryLabels: Record<string, string> = {
  dns: "Name does not resolve",
  "connection-refused": "Connection refused",
  "connect-timeout": "No connection (timeout)",
  timeout: "No answer in time",
  "tls-untrusted": "Certificate not trusted",
  "tls-name-mismatch": "Certificate name mismatch",
  "tls-expired": "Certificate expired",
  "insecure-url": "Insecure URL",
  "credential-format": "Credential format",
  "auth-failed": "Authentication failed",
  "basic-auth-disabled": "Basic authentication disabled",
  "autodiscover-not-found": "Autodiscover found nothing",
  "autodiscover-redirect-loop": "Autodiscover redirect loop",
  "autodiscover-redirect-refused": "Autodiscover redirect refused",
  "autodiscover-error": "Autodiscover error",
  "http-status": "Unexpected HTTP status",
  "impersonation-denied": "Impersonation denied",
  "mailbox-not-found": "Mailbox not found",
  "access-denied": "Access denied",
  "server-busy": "Server busy",
  "mailbox-moved": "Mailbox moved",
  "unsupported-version": "Unsupported Exchange version",
  "invalid-response": "Invalid response",
  "response-too-large": "Response too large",
};

export function categoryLabel(category: string | null): string {
  if (category === null) return "No diagnosis recorded";
  return categoryLabels[category] ?? category;
}

/** The platform's alert kinds in words (an unknown kind shows as given). */
const alertLabels: Record<string, string> = {
  "mailbox-disabled": "Mailbox disabled",
  "mailbox-recovered": "Mailbox recovered",
  "mailbox-enabled": "Mailbox enabled",
  "test-connection-failed": "Test Connection failed",
  "test-connection-recovered": "Test Connection recovered",
};

export function alertLabel(kind: string): string {
  return alertLabels[kind] ?? kind;
}

export const healthLabels: Record<string, string> = {
  ok: "OK",
  degraded: "Degraded",
  failing: "Failing",
  unknown: "Unknown",
  stale: "Stale",
};

export const serverTypeLabels: Record<string, string> = {
  "exchange-server": "Exchange Server",
  "exchange-online": "Exchange Online",
  "exchange-online-hybrid": "Hybrid",
};

export const readinessLabels: Record<string, string> = {
  allowed: "EWS allowed",
  "blocked-by-policy": "EWS blocked by policy",
  disabled: "EWS disabled",
  "not-checked": "Not checked",
};
