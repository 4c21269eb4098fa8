import { createSecureContext, type SecureContext } from "node:tls";
import { constants } from "node:crypto";
import type { CertificateKind } from "../spec.js";
import { CertificateAuthority, type Issued } from "./certificates.js";

const day = 86_400_000;

/** Builds and caches one TLS context per host and certificate kind. */
export class HostCertificates {
  readonly ca = new CertificateAuthority();
  private readonly contexts = new Map<string, SecureContext>();
  private readonly issuedCache = new Map<string, Issued>();

  /** The key and certificate this host presents for this kind (made once, then kept). */
  issued(host: string, kind: CertificateKind): Issued {
    const key = `${kind} ${host}`;
    let issued = this.issuedCache.get(key);
    if (!issued) this.issuedCache.set(key, (issued = this.make(host, kind)));
    return issued;
  }

  private make(host: string, kind: CertificateKind): Issued {
    const now = Date.now();
    switch (kind) {
      case "valid":
        return this.ca.leaf([host], new Date(now - day), new Date(now + 365 * day));
      case "expired":
        return this.ca.leaf([host], new Date(now - 400 * day), new Date(now - day));
      case "wrong-name":
        return this.ca.leaf(["unrelated.example.net"], new Date(now - day), new Date(now + 365 * day));
      case "self-signed":
        return CertificateAuthority.selfSigned([host], new Date(now - day), new Date(now + 365 * day));
    }
  }

  context(host: string, kind: CertificateKind): SecureContext {
    const key = `${kind} ${host}`;
    let context = this.contexts.get(key);
    if (!context) {
      const { keyPem, certPem } = this.issued(host, kind);
      // No tickets and no session cache listener: every connection is a full handshake the counters can see.
      context = createSecureContext({ key: keyPem, cert: certPem, secureOptions: constants.SSL_OP_NO_TICKET });
      this.contexts.set(key, context);
    }
    return context;
  }
}
