import { html, raw, type Html, type Interpolation } from "./html.js";
import { css, metaContentSecurityPolicy } from "./style.js";
import type { Links } from "./view-model.js";

/** The overview's address, or a profile's, carrying the key when there is one. */
export function pageHref(links: Links, profileId?: string): string {
  const base = links.basePath.replace(/\/+$/, "");
  const path = profileId === undefined ? base : `${base}/${encodeURIComponent(profileId)}`;
  return links.code === undefined || links.code === "" ? path : `${path}?code=${encodeURIComponent(links.code)}`;
}

/** A whole page: no script, no external asset (the favicon is an empty data: URL so the browser asks for none). */
export function page(title: string, heading: Interpolation, subtitle: Interpolation, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${metaContentSecurityPolicy}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${raw(css)}</style>
</head>
<body>
<header class="top"><h1>${heading}</h1><p>${subtitle}</p></header>
<main>
${body}
</main>
</body>
</html>
`.text;
}
