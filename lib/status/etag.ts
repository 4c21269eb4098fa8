import { createHash } from "node:crypto";

/** A strong entity tag: the hash of the exact bytes of the body. */
export function strongEtag(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
}

/** If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/` is ignored, `*` matches any current representation. */
export function matchesIfNoneMatch(header: string | null | undefined, etag: string): boolean {
  if (header === null || header === undefined) return false;
  const wanted = etag.replace(/^W\//, "");
  for (const part of header.split(",")) {
    const tag = part.trim();
    if (tag === "*" || tag.replace(/^W\//, "") === wanted) return true;
  }
  return false;
}
