/** One authentication challenge (RFC 9110 §11.6.1): a scheme with auth-params or a token68. */
export interface Challenge {
  /** As sent ("Negotiate", "NTLM", "Basic", "Bearer"); compare with `offers`, which ignores case. */
  scheme: string;
  /** Parameter names lower-cased, values unquoted. */
  params: Record<string, string>;
  token68?: string;
}

const tokenChar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const token68Char = /[-._~+/0-9A-Za-z]/;

/**
 * Parses `WWW-Authenticate`, given as one value, several header lines, or lines that a
 * client joined with commas: `Negotiate, NTLM, Basic realm="x"` is three challenges.
 */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined | null): Challenge[] {
  if (header === undefined || header === null) return [];
  const values = typeof header === "string" ? [header] : header;
  return values.flatMap((value) => new ChallengeReader(value).readAll());
}

/** Whether any challenge uses this scheme (case-insensitive). */
export function offers(challenges: readonly Challenge[], scheme: string): boolean {
  const wanted = scheme.toLowerCase();
  return challenges.some((c) => c.scheme.toLowerCase() === wanted);
}

/** Human-readable summary without token68 blobs: `Negotiate, NTLM, Basic realm="x"`. */
export function describeChallenges(challenges: readonly Challenge[]): string {
  return challenges
    .map((c) => {
      const params = Object.entries(c.params).map(([k, v]) => `${k}="${v}"`);
      return params.length ? `${c.scheme} ${params.join(", ")}` : c.scheme;
    })
    .join(", ");
}

class ChallengeReader {
  private pos = 0;
  constructor(private readonly s: string) {}

  readAll(): Challenge[] {
    const out: Challenge[] = [];
    for (;;) {
      this.skip(/[\s,]/);
      const scheme = this.read(tokenChar);
      if (!scheme) break;
      out.push(this.readRest(scheme));
    }
    return out;
  }

  private readRest(scheme: string): Challenge {
    const challenge: Challenge = { scheme, params: Object.create(null) as Record<string, string> };
    this.skip(/[ \t]/);
    const token68 = this.tryToken68();
    if (token68 !== undefined) {
      challenge.token68 = token68;
      return challenge;
    }
    // auth-params until something that is not `name=`: that starts the next challenge.
    for (;;) {
      const start = this.pos;
      this.skip(/[\s,]/);
      const name = this.read(tokenChar);
      this.skip(/[ \t]/);
      if (!name || this.s[this.pos] !== "=") {
        this.pos = start;
        return challenge;
      }
      this.pos++;
      this.skip(/[ \t]/);
      challenge.params[name.toLowerCase()] = this.s[this.pos] === '"' ? this.readQuoted() : this.read(tokenChar);
    }
  }

  /** A token68 is followed only by `=` padding, then a comma or the end. */
  private tryToken68(): string | undefined {
    const start = this.pos;
    const value = this.read(token68Char) + this.read(/=/);
    this.skip(/[ \t]/);
    const atEnd = this.pos >= this.s.length || this.s[this.pos] === ",";
    if (value && !value.startsWith("=") && atEnd) return value;
    this.pos = start;
    return undefined;
  }

  private readQuoted(): string {
    let value = "";
    this.pos++; // opening quote
    while (this.pos < this.s.length && this.s[this.pos] !== '"') {
      if (this.s[this.pos] === "\\" && this.pos + 1 < this.s.length) this.pos++;
      value += this.s[this.pos++];
    }
    this.pos++; // closing quote
    return value;
  }

  private read(allowed: RegExp): string {
    const start = this.pos;
    while (this.pos < this.s.length && allowed.test(this.s[this.pos] ?? "")) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private skip(allowed: RegExp): void {
    this.read(allowed);
  }
}
