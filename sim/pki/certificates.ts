// @peculiar/x509 resolves its algorithms through tsyringe, which needs a Reflect polyfill loaded first.
import "reflect-metadata";
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import * as asn1X509 from "@peculiar/asn1-x509";
import * as x509 from "@peculiar/x509";

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

const organisation = "exchange-sync-monitor simulator";
const ecdsaWithSha256 = "1.2.840.10045.4.3.2";

const name = (cn: string): asn1X509.Name =>
  AsnConvert.parse(new x509.Name([{ CN: [cn] }, { O: [organisation] }]).toArrayBuffer(), asn1X509.Name);

/** Key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1), hex. */
function keyId(spkiDer: Buffer): string {
  const spki = AsnConvert.parse(spkiDer, asn1X509.SubjectPublicKeyInfo);
  return createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest("hex");
}

/** A random positive 16-byte serial number. */
function serialNumber(): ArrayBuffer {
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f || 0x01;
  return new Uint8Array(serial).buffer;
}

/**
 * @peculiar/x509's X509CertificateGenerator only signs through WebCrypto, which is asynchronous,
 * while this module's API is synchronous. So the certificate is assembled from the library's
 * name, extension and ASN.1 schema classes and the TBSCertificate is signed with node:crypto.
 */
function issue(req: CertRequest): Issued & { key: KeyObject; publicKeyDer: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const signer = req.issuer ?? { key: privateKey, commonName: req.commonName, publicKeyDer: spki };
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(req.isCa, undefined, true),
    new x509.KeyUsagesExtension(req.isCa ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature, true),
    new x509.SubjectKeyIdentifierExtension(keyId(spki)),
    new x509.AuthorityKeyIdentifierExtension(keyId(signer.publicKeyDer)),
  ];
  if (!req.isCa) {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
    extensions.push(new x509.SubjectAlternativeNameExtension(req.dnsNames.map((value) => ({ type: "dns" as const, value }))));
  }
  const algorithm = new asn1X509.AlgorithmIdentifier({ algorithm: ecdsaWithSha256 });
  const tbsCertificate = new asn1X509.TBSCertificate({
    version: asn1X509.Version.v3,
    serialNumber: serialNumber(),
    signature: algorithm,
    issuer: name(signer.commonName),
    validity: new asn1X509.Validity({ notBefore: req.notBefore, notAfter: req.notAfter }),
    subject: name(req.commonName),
    subjectPublicKeyInfo: AsnConvert.parse(spki, asn1X509.SubjectPublicKeyInfo),
    extensions: new asn1X509.Extensions(extensions.map((e) => AsnConvert.parse(e.rawData, asn1X509.Extension))),
  });
  // ECDSA signatures from node:crypto are DER Ecdsa-Sig-Value, as X.509 wants them.
  const signature = sign("sha256", Buffer.from(AsnConvert.serialize(tbsCertificate)), signer.key);
  const certificate = new asn1X509.Certificate({ tbsCertificate, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signature).buffer });
  return {
    key: privateKey,
    publicKeyDer: spki,
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    certPem: `${new x509.X509Certificate(AsnConvert.serialize(certificate)).toString("pem")}\n`,
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
