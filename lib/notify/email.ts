import { emailSubject, timeLabel, type EmailInput } from "./email-content.js";
import { emailDocument, type Block, type EmailDocument } from "./email-document.js";
import { emailHtml } from "./email-html.js";
import { plain } from "./email-inline.js";

export type { EmailInput } from "./email-content.js";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** An owner email: one subject, a plain-text part and an HTML part saying the same things. */
export function renderEmail(input: EmailInput): RenderedEmail {
  const document = emailDocument(input);
  return { subject: emailSubject(input), text: emailText(document), html: emailHtml(document) };
}

const line = (pieces: Parameters<typeof plain>[0]): string => plain(pieces, timeLabel);

function blockText(block: Block): string[] {
  switch (block.kind) {
    case "paragraph":
      return [line(block.content)];
    case "list":
      return block.items.map((item) => `- ${line(item)}`);
    case "table":
      return [...block.rows.map((row) => `- ${line(row.line)}`), ...(block.after === undefined ? [] : [`  ${line(block.after)}`])];
  }
}

function emailText(document: EmailDocument): string {
  const out: string[] = [`${document.heading} (${document.subheading})`];
  for (const section of document.sections) {
    out.push("");
    if (section.title !== undefined) out.push(section.title, "-".repeat(section.title.length));
    section.blocks.forEach((block, i) => {
      if (i > 0 && block.kind === "paragraph") out.push("");
      out.push(...blockText(block));
    });
  }
  out.push("", document.footer);
  return out.join("\n") + "\n";
}
