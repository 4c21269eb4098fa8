import { createHash } from "node:crypto";

/** The pages' only stylesheet, inline; the Content-Security-Policy allows exactly this text by its hash. */
export const css = `
:root{color-scheme:light;--ok:#1f9d55;--warn:#c98a00;--bad:#d64541;--none:#d5dae1;--maint:#3b6fd6;--stale:#7b3fb8;--ink:#1d232b;--muted:#5d6875;--line:#e3e7ec;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header.top{background:#fff;border-bottom:1px solid var(--line);padding:12px 16px}
header.top h1{margin:0;font-size:20px}
header.top p{margin:2px 0 0;color:var(--muted);font-size:13px}
main{max-width:1440px;margin:0 auto;padding:16px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:0 0 16px}
h2{font-size:17px;margin:0 0 8px}
h3{font-size:15px;margin:12px 0 4px}
a{color:#1558b0}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:8px 6px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
tr:last-child td{border-bottom:0}
.muted,.sub{color:var(--muted);font-size:13px}
.sub{display:block}
.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.health{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;font-weight:600;color:#fff;background:var(--muted)}
.health-ok{background:var(--ok)}.health-degraded{background:var(--warn)}.health-failing{background:var(--bad)}.health-unknown{background:#8a94a0}.health-stale{background:var(--stale)}
.counts span{display:inline-block;margin-right:12px;white-space:nowrap}
tr.stale td{background:#f6effc}
.stale-time{color:var(--stale);font-weight:700}
.warn{color:var(--warn);font-weight:600}.bad{color:var(--bad);font-weight:600}.good{color:var(--ok)}
.maint{display:inline-block;border-left:4px solid var(--maint);padding:2px 8px;background:#eef3fc;font-size:13px}
.banner{border-left:4px solid var(--maint);background:#eef3fc;padding:8px 12px;margin:0 0 16px;border-radius:4px}
svg.chart{display:block;width:100%;max-width:264px;height:36px}
td.chart-cell{min-width:180px}
td.maint-cell{min-width:150px}
td.cycle-cell{min-width:140px}

.axis{display:flex;justify-content:space-between;font-size:12px;color:var(--muted);margin:2px 0 0}
.big svg.chart{max-width:none;height:72px}
rect.bar{fill:var(--none)}
rect.bar-ok{fill:var(--ok)}rect.bar-some-failed{fill:var(--warn)}rect.bar-failing{fill:var(--bad)}
rect.bar-no-data{fill:#fff;stroke:var(--none);stroke-width:1}
rect.mark{fill:var(--maint)}
.legend{font-size:12px;color:var(--muted)}
.legend span{white-space:nowrap}
.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px;vertical-align:-1px}
.legend .l-ok{background:var(--ok)}.legend .l-some{background:var(--warn)}.legend .l-bad{background:var(--bad)}.legend .l-none{background:#fff;border:1px solid var(--none)}.legend .l-maint{background:var(--maint)}
.group{border-top:1px solid var(--line);padding-top:4px}
.group:first-of-type{border-top:0}
.remediation{background:#fff8e6;border-left:4px solid var(--warn);padding:6px 10px;margin:4px 0 8px}
.message{overflow-wrap:anywhere}
ol.steps{margin:0;padding-left:20px}
ol.steps li{margin:2px 0}
.step-ok{color:var(--ok);font-weight:600}.step-failed{color:var(--bad);font-weight:600}.step-skipped{color:var(--muted)}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
nav{margin:0 0 12px;font-size:14px}
@media (max-width:720px){
main{padding:8px}
table.cards thead{display:none}
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
table.cards tr{border:1px solid var(--line);border-radius:8px;margin:0 0 10px;padding:6px 10px;background:#fff}
table.cards td{border:0;padding:4px 0}
table.cards tr.stale{background:#f6effc}
td.chart-cell,td.maint-cell,td.cycle-cell{min-width:0}
table.cards td[data-label]::before{content:attr(data-label);display:block;font-size:11px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
svg.chart{max-width:none}
section{padding:10px}
}
`.trim();

const styleHash = `sha256-${createHash("sha256").update(css).digest("base64")}`;

/**
 * The policy for the dashboard pages: nothing may load or run; only the page's own stylesheet (by hash)
 * applies, so no style attribute, no script, no image, form, frame or base URL whatever the input says.
 */
export const contentSecurityPolicy = `default-src 'none'; style-src '${styleHash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The same policy in the page itself (for a saved copy); a <meta> policy cannot say frame-ancestors. */
export const metaContentSecurityPolicy = contentSecurityPolicy.replace("; frame-ancestors 'none'", "");

/**
 * The headers every dashboard response carries. The page's links hold the function key (`?code=`), hence
 * no caching and no referrer.
 */
export function dashboardHeaders(): Record<string, string> {
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": contentSecurityPolicy,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
  };
}
