import { timeLabel } from "./email-content.js";
import type { Block, EmailDocument } from "./email-document.js";
import type { Inline } from "./email-inline.js";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (ch) => entities[ch] ?? ch);
}

const cell = "padding:4px 8px;border:1px solid #ddd;text-align:left;vertical-align:top";
const mono = "font-family:Consolas,Menlo,'Courier New',monospace;font-size:13px;background:#f4f4f4;padding:1px 3px;border-radius:3px;overflow-wrap:anywhere";

function inline(pieces: readonly Inline[]): string {
  return pieces
    .map((p) => {
      switch (p.kind) {
        case "text":
          return escapeHtml(p.text);
        case "strong":
          return `<strong>${escapeHtml(p.text)}</strong>`;
        case "code":
          return `<code style="${mono}">${escapeHtml(p.text)}</code>`;
        case "time":
          // A time never breaks across lines, in a table cell or a sentence.
          return `<span style="white-space:nowrap">${escapeHtml(timeLabel(p.iso))}</span>`;
        case "link":
          return `<a href="${escapeHtml(p.url)}">${escapeHtml(p.url)}</a>`;
      }
    })
    .join("");
}

function block(b: Block): string {
  switch (b.kind) {
    case "paragraph":
      return `<p>${inline(b.content)}</p>`;
    case "list":
      return `<ul>${b.items.map((item) => `<li style="margin-bottom:4px">${inline(item)}</li>`).join("")}</ul>`;
    case "table": {
      const head = `<tr>${b.head.map((h) => `<th style="${cell}">${escapeHtml(h)}</th>`).join("")}</tr>`;
      const rows = b.rows.map((row) => `<tr>${row.cells.map((c) => `<td style="${cell}">${inline(c)}</td>`).join("")}</tr>`).join("");
      return `<table style="border-collapse:collapse">${head}${rows}</table>${b.after === undefined ? "" : `<p>${inline(b.after)}</p>`}`;
    }
  }
}

export function emailHtml(document: EmailDocument): string {
  const sections = document.sections
    .map((s) => `${s.title === undefined ? "" : `<h3 style="margin:16px 0 6px">${escapeHtml(s.title)}</h3>\n`}${s.blocks.map(block).join("\n")}`)
    .join("\n");
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(document.heading)}</title></head>
<body style="font-family:Segoe UI,Arial,sans-serif;font-size:14px;color:#222">
<h2 style="margin:0 0 8px">${escapeHtml(document.heading)} <small style="color:#666">(${escapeHtml(document.subheading)})</small></h2>
${sections}
<p style="color:#666">${escapeHtml(document.footer)}</p>
</body></html>
`;
}
