import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { bitString, bool, ctx, int, octets, oid, seq, set, time, uint, utf8 } from "./der.js";

/** A key pair and its certificate, both PEM. */
export interface Issued {
  keyPem: string;
  certPem: string;
}

interface CertRequest {
  commonName: string;
  dnsNames: string[];
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  /** Signing key and name; absent = self-signed. */
  issuer?: { key: KeyObject; commonName: string; publicKeyDer: Buffer };
}

const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));

const name = (cn: string): Buffer => seq(set(seq(oid("2.5.4.3"), utf8(cn))), set(seq(oid("2.5.4.10"), utf8("exchange-sync-monitor simulator"))));

const extension = (id: string, critical: boolean, value: Buffer): Buffer =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** SubjectKeyIdentifier: SHA-1 of the subjectPublicKey bits, as RFC 5280 method 1 suggests. */
function keyId(spkiDer: Buffer): Buffer {
  // The EC public key is the last 65 bytes of a P-256 SubjectPublicKeyInfo.
  return createHash("sha1").update(spkiDer.subarray(spkiDer.length - 65)).digest();
}

function issue(req: CertRequest): Issued & { key: KeyObject; publicKeyDer: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const signer = req.issuer ?? { key: privateKey, commonName: req.commonName, publicKeyDer: spki };
  const extensions = [
    extension("2.5.29.19", true, seq(...(req.isCa ? [bool(true)] : []))),
    extension("2.5.29.15", true, bitString(Buffer.from([req.isCa ? 0x06 : 0x80]))),
    extension("2.5.29.14", false, octets(keyId(spki))),
    extension("2.5.29.35", false, seq(ctx(0, false, keyId(signer.publicKeyDer)))),
  ];
  if (!req.isCa) {
    extensions.push(extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))));
    extensions.push(extension("2.5.29.17", false, seq(...req.dnsNames.map((d) => ctx(2, false, Buffer.from(d))))));
  }
  const tbs = seq(
    ctx(0, true, int(2)),
    uint(randomBytes(16)),
    ecdsaWithSha256,
    name(signer.commonName),
    seq(time(req.notBefore), time(req.notAfter)),
    name(req.commonName),
    spki,
    ctx(3, true, seq(...extensions)),
  );
  const signature = sign("sha256", tbs, signer.key);
  const der = seq(tbs, ecdsaWithSha256, bitString(signature));
  return {
    key: privateKey,
    publicKeyDer: spki,
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certPem: `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END CERTIFICATE-----\n`,
  };
}

const day = 86_400_000;

/** The simulator's own certificate authority and the host certificates it signs. */
export class CertificateAuthority {
  readonly certPem: string;
  private readonly ca: ReturnType<typeof issue>;
  private readonly commonName = "Exchange Simulator Root CA";

  constructor() {
    const now = Date.now();
    this.ca = issue({ commonName: this.commonName, dnsNames: [], notBefore: new Date(now - day), notAfter: new Date(now + 3650 * day), isCa: true });
    this.certPem = this.ca.certPem;
  }

  /** A leaf for `dnsNames`, valid from notBefore to notAfter, signed by this CA. */
  leaf(dnsNames: string[], notBefore: Date, notAfter: Date): Issued {
    const issuer = { key: this.ca.key, commonName: this.commonName, publicKeyDer: this.ca.publicKeyDer };
    const { keyPem, certPem } = issue({ commonName: dnsNames[0] ?? "localhost", dnsNames, notBefore, notAfter, isCa: false, issuer });
    return { keyPem, certPem };
  }

  /** A leaf no trust store knows: it signs itself. */
  static selfSigned(dnsNames: string[], notBefore: Date, notAfter: Date): Issued {
    const { keyPem, certPem } = issue({ commonName: dnsNames[0] ?? "localhost", dnsNames, notBefore, notAfter, isCa: false });
    return { keyPem, certPem };
  }
}

