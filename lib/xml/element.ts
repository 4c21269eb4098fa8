/**
 * A parsed XML element, reduced to what protocol code needs. Names are local names
 * (prefix dropped): Exchange and the proxies in front of it pick prefixes freely.
 */
export interface XmlElement {
  /** Local name, e.g. "ResponseCode" for `<m:ResponseCode>`. */
  readonly name: string;
  /** Namespace URI the prefix (or default namespace) resolved to, "" when none. */
  readonly namespace: string;
  /** Attributes by local name; namespace declarations are not included. */
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** This element's own character data (entities decoded), untrimmed. */
  readonly content: string;
}

type Maybe = XmlElement | undefined;

/** First child with this local name (case-sensitive). */
export function child(el: Maybe, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** First child whose local name matches ignoring case (`RedirectUrl` / `RedirectURL`). */
export function childIgnoreCase(el: Maybe, name: string): XmlElement | undefined {
  const wanted = name.toLowerCase();
  return el?.children.find((c) => c.name.toLowerCase() === wanted);
}

/** Children with this local name, or all children when no name is given. */
export function children(el: Maybe, name?: string): XmlElement[] {
  if (!el) return [];
  return name === undefined ? [...el.children] : el.children.filter((c) => c.name === name);
}

/** Follows a chain of first children: `path(envelope, "Body", "Fault")`. */
export function path(el: Maybe, ...names: string[]): XmlElement | undefined {
  let current = el;
  for (const name of names) current = child(current, name);
  return current;
}

/** First element with this local name in document order, the element itself included. */
export function descendant(el: Maybe, name: string): XmlElement | undefined {
  if (!el) return undefined;
  if (el.name === name) return el;
  for (const c of el.children) {
    const found = descendant(c, name);
    if (found) return found;
  }
  return undefined;
}

/** Trimmed text; undefined when the element is missing or holds only whitespace. */
export function text(el: Maybe): string | undefined {
  const value = el?.content.trim();
  return value ? value : undefined;
}

/** Attribute by local name, value kept exactly as sent (entities decoded). */
export function attr(el: Maybe, name: string): string | undefined {
  return el?.attrs.get(name);
}
