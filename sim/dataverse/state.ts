import { defaultDataverseKnobs, type DataverseKnobs, type DataverseSpec } from "./spec.js";

/** The entity sets the simulator serves: entity logical name, primary key, and the columns a query may name. */
export interface EntitySetInfo {
  entity: string;
  key: string;
}

export const entitySets = {
  emailserverprofiles: { entity: "emailserverprofile", key: "emailserverprofileid" },
  mailboxes: { entity: "mailbox", key: "mailboxid" },
  systemusers: { entity: "systemuser", key: "systemuserid" },
  tracelogs: { entity: "tracelog", key: "tracelogid" },
} as const satisfies Record<string, EntitySetInfo>;

export type EntitySetName = keyof typeof entitySets;
export const entitySetNames = Object.keys(entitySets) as EntitySetName[];

export interface DataverseCounters {
  /** Every request to the environment's host, answered or not. */
  requests: number;
  /** Requests answered 429. */
  throttled: number;
  /** Collection pages served, per entity set. */
  pages: Record<EntitySetName, number>;
}

type Row = Record<string, unknown>;

const lower = (s: string): string => s.toLowerCase();

/** The environment as it is now: the spec's records plus every change made since, and the knobs. */
export class DataverseState {
  readonly host: string;
  readonly knobs: DataverseKnobs;
  readonly counters: DataverseCounters = { requests: 0, throttled: 0, pages: { emailserverprofiles: 0, mailboxes: 0, systemusers: 0, tracelogs: 0 } };
  readonly #applicationUsers: Set<string>;
  readonly #rows = new Map<EntitySetName, Map<string, Row>>();
  readonly #columns = new Map<EntitySetName, Set<string>>();

  constructor(spec: DataverseSpec) {
    this.host = lower(spec.host);
    this.knobs = { ...defaultDataverseKnobs, ...spec.knobs };
    this.#applicationUsers = new Set(spec.applicationUsers.map(lower));
    for (const set of entitySetNames) {
      const rows = new Map<string, Row>();
      const columns = new Set<string>();
      for (const record of spec[set] as unknown as Row[]) {
        rows.set(lower(String(record[entitySets[set].key])), { ...record });
        for (const column of Object.keys(record)) columns.add(column);
      }
      this.#rows.set(set, rows);
      this.#columns.set(set, columns);
    }
    // Columns exist even when no record of the spec shows them (an empty environment).
    for (const column of ["emailserverprofileid", "name", "servertype", "statecode", "_ownerid_value"]) this.#columns.get("emailserverprofiles")!.add(column);
    for (const column of ["mailboxid", "emailaddress", "_emailserverprofile_value", "statecode"]) this.#columns.get("mailboxes")!.add(column);
    for (const column of ["systemuserid", "internalemailaddress", "fullname"]) this.#columns.get("systemusers")!.add(column);
    for (const column of ["tracelogid", "_regardingobjectid_value", "level", "tracecode", "text", "createdon"]) this.#columns.get("tracelogs")!.add(column);
  }

  isApplicationUser(clientId: string): boolean {
    return this.#applicationUsers.has(lower(clientId));
  }

  setApplicationUser(clientId: string, registered: boolean): void {
    if (registered) this.#applicationUsers.add(lower(clientId));
    else this.#applicationUsers.delete(lower(clientId));
  }

  columns(set: EntitySetName): ReadonlySet<string> {
    return this.#columns.get(set)!;
  }

  /** Every record of a set in primary-key order (the order Dataverse pages in when no $orderby is given). */
  rows(set: EntitySetName): Row[] {
    return [...this.#rows.get(set)!.values()].sort((a, b) => {
      const x = lower(String(a[entitySets[set].key]));
      const y = lower(String(b[entitySets[set].key]));
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }

  row(set: EntitySetName, id: string): Row | undefined {
    return this.#rows.get(set)!.get(lower(id));
  }

  /** Adds or replaces a record (keyed by its primary key). */
  put(set: EntitySetName, record: object): void {
    const row = { ...(record as Row) };
    this.#rows.get(set)!.set(lower(String(row[entitySets[set].key])), row);
    for (const column of Object.keys(row)) this.#columns.get(set)!.add(column);
  }

  update(set: EntitySetName, id: string, fields: object): void {
    const row = this.row(set, id);
    if (!row) throw new Error(`no ${entitySets[set].entity} ${id} in the simulated environment`);
    Object.assign(row, fields);
  }

  remove(set: EntitySetName, id: string): boolean {
    return this.#rows.get(set)!.delete(lower(id));
  }

  setKnobs(knobs: Partial<DataverseKnobs>): void {
    Object.assign(this.knobs, knobs);
  }

  resetCounters(): void {
    this.counters.requests = 0;
    this.counters.throttled = 0;
    for (const set of entitySetNames) this.counters.pages[set] = 0;
  }
}
