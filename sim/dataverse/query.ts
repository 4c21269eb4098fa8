/**
 * The small, honest subset of OData query options the simulator implements: `$select` lists, `$filter` with
 * comparisons (eq ne gt ge lt le) joined by `and`, one `$orderby` column, `$top`, and the `$skiptoken` of its own
 * next links. `$skip` is refused as Dataverse refuses it; other options are refused as not simulated.
 */

export type Literal = string | number | boolean | null;
export type Comparison = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

export interface Condition {
  field: string;
  op: Comparison;
  value: Literal;
}

export interface ODataQuery {
  select?: string[];
  filter: Condition[];
  orderBy?: { field: string; descending: boolean };
  top?: number;
  /** The position after which the page starts, from the simulator's own skip token. */
  after?: { lastId: string; page: number };
}

export type QueryParse = { ok: true; query: ODataQuery } | { ok: false; status: number; code: string; message: string };

const bad = (message: string, code = "0x0", status = 400): QueryParse => ({ ok: false, status, code, message });

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isoDate = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function literal(text: string): Literal | undefined {
  if (text === "null") return null;
  if (text === "true") return true;
  if (text === "false") return false;
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text.startsWith("'") && text.endsWith("'") && text.length >= 2) return text.slice(1, -1).replace(/''/g, "'");
  if (guid.test(text) || isoDate.test(text)) return text;
  return undefined;
}

function parseFilter(text: string, columns: ReadonlySet<string>, entity: string): Condition[] | QueryParse {
  const conditions: Condition[] = [];
  for (const part of text.split(/\s+and\s+/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$/.exec(part);
    if (!match) return bad(`The simulator implements only "field op value" conditions joined by "and"; it cannot read "${part.trim()}".`);
    const [, field = "", op = "eq", raw = ""] = match;
    if (!columns.has(field)) return bad(`Could not find a property named '${field}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
    const value = literal(raw);
    if (value === undefined) return bad(`Syntax error at '${raw}' in $filter.`);
    conditions.push({ field, op: op as Comparison, value });
  }
  return conditions;
}

/** Encodes the position after a page the way Dataverse's skip tokens look: a paging cookie naming the last record. */
export function skipToken(lastId: string, nextPage: number): string {
  return `<cookie pagenumber="${nextPage}" pagingcookie="%3ccookie%20page%3d%22${nextPage - 1}%22%3e%3clast%3e${lastId}%3c%2flast%3e%3c%2fcookie%3e" istracking="False" />`;
}

function readSkipToken(token: string): ODataQuery["after"] | undefined {
  const page = /pagenumber="(\d+)"/.exec(token)?.[1];
  const last = /%3clast%3e([0-9a-f-]{36})%3c%2flast%3e/i.exec(token)?.[1];
  return page && last ? { lastId: last, page: Number(page) } : undefined;
}

/** Reads the query string of a collection request against the columns of one entity. */
export function parseQuery(search: URLSearchParams, columns: ReadonlySet<string>, entity: string): QueryParse {
  const query: ODataQuery = { filter: [] };
  for (const [name, value] of search) {
    switch (name) {
      case "$select": {
        const fields = value.split(",").map((s) => s.trim());
        const unknown = fields.find((f) => !columns.has(f));
        if (unknown !== undefined) return bad(`Could not find a property named '${unknown}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
        query.select = fields;
        break;
      }
      case "$filter": {
        const parsed = parseFilter(value, columns, entity);
        if (!Array.isArray(parsed)) return parsed;
        query.filter = parsed;
        break;
      }
      case "$orderby": {
        const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/.exec(value);
        if (!match) return bad(`The simulator implements $orderby on one column only, not "${value}".`);
        if (!columns.has(match[1]!)) return bad(`Could not find a property named '${match[1]}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
        query.orderBy = { field: match[1]!, descending: match[2] === "desc" };
        break;
      }
      case "$top": {
        if (!/^\d+$/.test(value)) return bad(`Invalid value '${value}' for $top query option found.`);
        query.top = Number(value);
        break;
      }
      case "$skiptoken": {
        const after = readSkipToken(value);
        if (!after) return bad("The $skiptoken is not one this service issued.");
        query.after = after;
        break;
      }
      case "$skip":
        return bad("The query parameter $skip is not supported.");
      default:
        return bad(`The query option ${name} is not implemented by the Dataverse simulator.`);
    }
  }
  return { ok: true, query };
}

function compare(a: unknown, b: Literal): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") {
    if (isoDate.test(a) && isoDate.test(b)) return Date.parse(a) - Date.parse(b);
    return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
  }
  return Number.NaN;
}

export function matches(record: Record<string, unknown>, conditions: readonly Condition[]): boolean {
  return conditions.every(({ field, op, value }) => {
    const actual = record[field] ?? null;
    if (value === null || typeof value === "boolean") {
      const equal = actual === value;
      return op === "eq" ? equal : op === "ne" ? !equal : false;
    }
    if (actual === null) return op === "ne";
    const order = compare(actual, value);
    if (Number.isNaN(order)) return op === "ne";
    switch (op) {
      case "eq":
        return order === 0;
      case "ne":
        return order !== 0;
      case "gt":
        return order > 0;
      case "ge":
        return order >= 0;
      case "lt":
        return order < 0;
      case "le":
        return order <= 0;
    }
  });
}
