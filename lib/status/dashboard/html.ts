/**
 * HTML built only through the `html` template: every interpolated value is escaped unless it is already
 * `Html` (made by this template or by `raw` for the page's own constant markup). One escape function.
 */

const brand = Symbol("html");

export interface Html {
  readonly [brand]: true;
  readonly text: string;
}

const make = (text: string): Html => ({ [brand]: true, text });

function isHtml(value: unknown): value is Html {
  return typeof value === "object" && value !== null && brand in value;
}

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** Text safe in element content and in a double- or single-quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => entities[c]!);
}

export type Interpolation = Html | string | number | null | undefined | false | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) return value.map(render).join("");
  if (isHtml(value)) return value.text;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return make(out);
}

/** Markup the page itself wrote (constant CSS, a doctype): never pass input here. */
export function raw(constant: string): Html {
  return make(constant);
}
