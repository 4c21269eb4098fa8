import { secretForms } from "../diagnosis/redact.js";

/**
 * Defence in depth for invariant 3: summaries, mailboxes and alerts hold no secret, but should a failure message
 * ever quote one, the status endpoints still never echo it. The secrets are the values of app settings whose
 * names say they hold one, of the settings other settings name (`*_SETTING`), and the keys inside connection strings.
 */
const secretName = /(PASSWORD|PASSWD|PWD|SECRET|TOKEN|CREDENTIAL|API_?KEY|ACCOUNT_?KEY|ACCESS_?KEY|_KEY$|CONNECTION_?STRING|AzureWebJobsStorage$|SAS$)/i;
const minSecretLength = 8;
export const redacted = "[redacted]";

export function secretValues(env: Record<string, string | undefined>): string[] {
  const values = new Set<string>();
  // Each in every form a server could quote it in (URL-encoded, Base64, ...), as the probes' redaction matches them.
  const addForms = (value: string) => {
    for (const form of secretForms(value)) if (form.length >= minSecretLength) values.add(form);
  };
  const add = (value: string | undefined) => {
    if (value === undefined || value.length < minSecretLength) return;
    addForms(value);
    for (const match of value.matchAll(/(?:AccountKey|SharedAccessSignature|SharedAccessKey|sig|Password|Pwd)=([^;&\s]+)/gi)) {
      if (match[1] !== undefined && match[1].length >= minSecretLength) addForms(match[1]);
    }
  };
  for (const [name, value] of Object.entries(env)) {
    if (secretName.test(name)) add(value);
    if (/_SETTING$/i.test(name) && value !== undefined) add(env[value.trim()]);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

/** Replaces every secret inside a JSON text, matching each secret as JSON writes it inside a string. */
export function redactJson(json: string, secrets: readonly string[]): string {
  let out = json;
  for (const secret of secrets) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (out.includes(escaped)) out = out.split(escaped).join(redacted);
  }
  return out;
}

/** Replaces every secret inside plain text. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(redacted);
  return out;
}
