import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const day = 86_400_000;
let serial = 1;

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface TestCa {
  caPem: string;
  /** A server certificate for the names given (DNS names or IP addresses), valid from/until the dates given. */
  issue(names: string[], validity?: { notBefore?: Date; notAfter?: Date }): Promise<IssuedCertificate>;
}

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as webcrypto.CryptoKey);
  return x509.PemConverter.encode(pkcs8, "PRIVATE KEY");
}

function newKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

/** A throw-away certification authority for one test file. */
export async function createTestCa(name = "Test CA"): Promise<TestCa> {
  const caKeys = await newKeys();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, "0"),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - day),
    notAfter: new Date(Date.now() + 365 * day),
    signingAlgorithm: algorithm,
    keys: caKeys,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return {
    caPem: caCert.toString("pem"),
    async issue(names, validity = {}) {
      const keys = await newKeys();
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (serial++).toString(16).padStart(2, "0"),
        subject: `CN=${names[0] ?? "server"}`,
        issuer: caCert.subject,
        notBefore: validity.notBefore ?? new Date(Date.now() - day),
        notAfter: validity.notAfter ?? new Date(Date.now() + 90 * day),
        signingAlgorithm: algorithm,
        publicKey: keys.publicKey,
        signingKey: caKeys.privateKey,
        extensions: [
          new x509.SubjectAlternativeNameExtension(names.map((n) => (/^[\d.]+$/.test(n) ? { type: "ip", value: n } : { type: "dns", value: n }))),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        ],
      });
      return { certPem: cert.toString("pem"), keyPem: await keyPem(keys) };
    },
  };
}

export const days = (n: number): Date => new Date(Date.now() + n * day);
