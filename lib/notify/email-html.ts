import { diagnosisGroups, listedMailboxes, percentLabel, statusUrl, stepLines, windowLabel, type AlertEmailInput } from "./email-content.js";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (ch) => entities[ch] ?? ch);
}

/** Tagged template: every interpolated value is escaped unless it is already rendered HTML. */
class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function html(strings: TemplateStringsArray, ...values: (string | number | Html | Html[] | undefined)[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    if (v instanceof Html) out += v.value;
    else if (Array.isArray(v)) out += v.map((h) => h.value).join("");
    else if (v !== undefined) out += escapeHtml(v);
    out += strings[i + 1] ?? "";
  });
  return new Html(out);
}

const cell = "padding:4px 8px;border:1px solid #ddd;text-align:left;vertical-align:top";

export function alertHtml(input: AlertEmailInput): string {
  const { processed, failed, succeeded } = input.figures;
  const groups = diagnosisGroups(input.failing).map(
    (g) => html`<tr><td style="${cell}">${g.category}</td><td style="${cell}">${g.count}</td><td style="${cell}">${g.example ?? ""}</td><td style="${cell}">${g.remediation}</td></tr>`,
  );
  const mailboxes = input.failing
    .slice(0, listedMailboxes)
    .map(
      (m) =>
        html`<tr><td style="${cell}">${m.address}</td><td style="${cell}">${m.lastError?.category ?? "unknown"}</td><td style="${cell}">${m.lastError?.message ?? "no error recorded"}</td><td style="${cell}">${m.lastFailureAt}</td></tr>`,
    );
  const more = input.failing.length - listedMailboxes;
  const tc = input.lastTestConnection;
  const steps = stepLines(tc).map(
    (s) => html`<tr><td style="${cell}">${s.step}</td><td style="${cell}">${s.state}</td><td style="${cell}">${s.state === "not run" ? "" : `${s.elapsedMs} ms`}</td><td style="${cell}">${s.detail ?? ""}</td></tr>`,
  );
  const url = statusUrl(input);
  const body = html`<!doctype html>
<html><head><meta charset="utf-8"><title>${input.profile.name}</title></head>
<body style="font-family:Segoe UI,Arial,sans-serif;font-size:14px;color:#222">
<h2 style="margin:0 0 8px">${input.profile.name} <small style="color:#666">(${input.profile.id})</small></h2>
<p><strong>${percentLabel(failed, processed)}</strong> of the mailboxes processed in the last hour failed, ${windowLabel(input.from, input.to)}.</p>
<table style="border-collapse:collapse"><tr><th style="${cell}">Processed</th><th style="${cell}">Failed</th><th style="${cell}">Succeeded</th></tr>
<tr><td style="${cell}">${processed}</td><td style="${cell}">${failed}</td><td style="${cell}">${succeeded}</td></tr></table>
<h3>Failures by diagnosis</h3>
<table style="border-collapse:collapse"><tr><th style="${cell}">Diagnosis</th><th style="${cell}">Mailboxes</th><th style="${cell}">Example</th><th style="${cell}">What to do</th></tr>${groups}</table>
<h3>Failing mailboxes</h3>
<table style="border-collapse:collapse"><tr><th style="${cell}">Mailbox</th><th style="${cell}">Diagnosis</th><th style="${cell}">Error</th><th style="${cell}">Last failure</th></tr>${mailboxes}</table>
${more > 0 ? html`<p>and ${more} more</p>` : ""}
<h3>Last Test Connection</h3>
${tc === undefined ? html`<p>Test Connection has not run yet.</p>` : html`<p>${tc.ok ? "Passed" : "Failed"} at ${tc.at} in ${tc.elapsedMs} ms.</p><table style="border-collapse:collapse">${steps}</table>`}
${url === undefined ? "" : html`<p>Status: <a href="${url}">${url}</a></p>`}
<p style="color:#666">You receive this email because you own this email server profile. At most one is sent per hour.</p>
</body></html>
`;
  return body.value;
}
