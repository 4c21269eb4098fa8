import { hourLabel, percent } from "./format.js";
import { html, type Html } from "./html.js";
import { lastDayBars, type HourBar } from "./hour-bars.js";
import type { HourInput } from "./view-model.js";

const slot = 11;
const barWidth = 9;
const barHeight = 26;

function title(bar: HourBar): string {
  const figures =
    bar.state === "no-data" ? "no data" : `${bar.failed} of ${bar.processed} failed (${percent(Math.round((bar.failed / bar.processed) * 1000) / 10)})`;
  return `${hourLabel(bar.start)} UTC: ${figures}${bar.maintenance ? ", maintenance" : ""}`;
}

/** The last 24 hours as inline SVG: one bar per hour (grey outline: no data), a blue mark under maintenance hours. */
export function hourlyChart(rows: readonly HourInput[], now: Date, label: string): Html {
  const bars = lastDayBars(rows, now);
  const width = bars.length * slot;
  return html`<svg class="chart" viewBox="0 0 ${width} 34" preserveAspectRatio="none" role="img" aria-label="${label}">${bars.map(
    (bar, i) =>
      html`<g><title>${title(bar)}</title><rect class="bar bar-${bar.state}" data-hour="${bar.start.toISOString()}" data-state="${bar.state}"${
        bar.maintenance ? html` data-maintenance="true"` : ""
      } x="${i * slot + 1}" y="1" width="${barWidth}" height="${barHeight}" rx="1.5"/>${
        bar.maintenance ? html`<rect class="mark" x="${i * slot + 1}" y="30" width="${barWidth}" height="4"/>` : ""
      }</g>`,
  )}</svg>`;
}

/** Where the chart starts and ends, under a wide chart. */
export function chartAxis(now: Date): Html {
  const first = lastDayBars([], now)[0]!.start;
  return html`<p class="axis"><span>${hourLabel(first)} UTC yesterday</span><span>now (${hourLabel(now)} UTC hour)</span></p>`;
}

export function chartLegend(): Html {
  return html`<p class="legend">Last 24 hours, one bar per UTC hour: <span><i class="l-ok"></i>no failures</span> <span><i class="l-some"></i>some failed</span> <span><i class="l-bad"></i>more than 50% failed</span> <span><i class="l-none"></i>no data</span> <span><i class="l-maint"></i>maintenance</span></p>`;
}
