import tls, { type PeerCertificate, type TLSSocket } from "node:tls";
import type { CertificateReport } from "../model/connection.js";

const dayMs = 86_400_000;

export const expiryCodes: ReadonlySet<string> = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
export const nameMismatchCodes: ReadonlySet<string> = new Set(["ERR_TLS_CERT_ALTNAME_INVALID"]);
export const untrustedCodes: ReadonlySet<string> = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_REVOKED",
  "INVALID_CA",
  "CERT_CHAIN_TOO_LONG",
]);

export function isCertificateErrorCode(code: string | undefined): boolean {
  return code !== undefined && (expiryCodes.has(code) || nameMismatchCodes.has(code) || untrustedCodes.has(code));
}

export function daysLeft(cert: PeerCertificate, now = Date.now()): number {
  const validTo = Date.parse(cert.valid_to);
  return Number.isNaN(validTo) ? 0 : Math.floor((validTo - now) / dayMs);
}

/**
 * What a TLS socket tells about its server's certificate. On a verified socket it is trusted and
 * names the host; on an inspection socket (rejectUnauthorized: false) the verification error is read
 * and the host name checked separately. Returns undefined when the socket has no peer certificate
 * (a resumed session, which our connector never uses).
 */
export function reportFromSocket(host: string, socket: TLSSocket, now = Date.now()): CertificateReport | undefined {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const verifyError = socket.authorized ? undefined : errorCode(socket.authorizationError);
  const nameError = tls.checkServerIdentity(host, cert);
  const expired = verifyError !== undefined && expiryCodes.has(verifyError);
  const report: CertificateReport = {
    host,
    trusted: verifyError === undefined || expired,
    namesMatch: nameError === undefined,
    daysLeft: daysLeft(cert, now),
  };
  const reason = verifyError ?? errorCode(nameError);
  if (reason !== undefined) report.reason = reason;
  return report;
}

function errorCode(error: Error | string | null | undefined): string | undefined {
  if (error === null || error === undefined) return undefined;
  if (typeof error === "string") return error;
  return (error as { code?: string }).code ?? error.message;
}
