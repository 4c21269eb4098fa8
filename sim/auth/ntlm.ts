import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { md4 } from "./md4.js";

/** NTLM messages (MS-NLMP) as the server side of a handshake sees them. */

const signature = Buffer.from("NTLMSSP\0", "ascii");
const UNICODE = 0x1;

const FLAGS =
  UNICODE | 0x4 /* request target */ | 0x200 /* NTLM */ | 0x8000 /* always sign */ | 0x10000 /* target type domain */ |
  0x80000 /* extended session security */ | 0x800000 /* target info */ | 0x2000000 /* version */ | 0x20000000 /* 128 */ |
  0x80000000; /* 56 */

export type NtlmMessage =
  | { type: 1 }
  | { type: 3; user: string; domain: string; workstation: string; ntResponse: Buffer; lmResponse: Buffer }
  | { type: "invalid" };

function secBuf(msg: Buffer, at: number): Buffer {
  const len = msg.readUInt16LE(at);
  const offset = msg.readUInt32LE(at + 4);
  if (offset + len > msg.length) throw new Error("security buffer out of range");
  return msg.subarray(offset, offset + len);
}

export function parseNtlm(token: string): NtlmMessage {
  const msg = Buffer.from(token, "base64");
  if (msg.length < 12 || !msg.subarray(0, 8).equals(signature)) return { type: "invalid" };
  const type = msg.readUInt32LE(8);
  if (type === 1) return { type: 1 };
  if (type !== 3 || msg.length < 64) return { type: "invalid" };
  try {
    const flags = msg.readUInt32LE(60);
    const text = (b: Buffer) => b.toString(flags & UNICODE ? "utf16le" : "latin1");
    return {
      type: 3,
      lmResponse: secBuf(msg, 12),
      ntResponse: secBuf(msg, 20),
      domain: text(secBuf(msg, 28)),
      user: text(secBuf(msg, 36)),
      workstation: text(secBuf(msg, 44)),
    };
  } catch {
    return { type: "invalid" };
  }
}

function avPair(id: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** Windows FILETIME: 100 ns ticks since 1601. */
function fileTime(now: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(now) + 11_644_473_600_000n) * 10_000n);
  return b;
}

/** The type 2 (CHALLENGE) message for a server in NetBIOS domain `domain`, as base64, and its challenge. */
export function buildChallenge(domain: string, host: string): { token: string; challenge: Buffer } {
  const challenge = randomBytes(8);
  const u = (s: string) => Buffer.from(s, "utf16le");
  const netbiosHost = (host.split(".")[0] ?? host).toUpperCase();
  const dnsDomain = host.split(".").slice(1).join(".");
  const targetName = u(domain);
  const targetInfo = Buffer.concat([
    avPair(2, u(domain)),
    avPair(1, u(netbiosHost)),
    avPair(4, u(dnsDomain)),
    avPair(3, u(host)),
    avPair(7, fileTime(Date.now())),
    avPair(0, Buffer.alloc(0)),
  ]);
  const head = Buffer.alloc(56);
  signature.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(targetName.length, 12);
  head.writeUInt16LE(targetName.length, 14);
  head.writeUInt32LE(56, 16);
  head.writeUInt32LE(FLAGS >>> 0, 20);
  challenge.copy(head, 24);
  head.writeUInt16LE(targetInfo.length, 40);
  head.writeUInt16LE(targetInfo.length, 42);
  head.writeUInt32LE(56 + targetName.length, 44);
  Buffer.from([10, 0, 0x63, 0x45, 0, 0, 0, 15]).copy(head, 48); // Windows 10.0.17763, NTLM revision 15
  return { token: Buffer.concat([head, targetName, targetInfo]).toString("base64"), challenge };
}

export function ntowfv2(password: string, user: string, domain: string): Buffer {
  const ntHash = md4(Buffer.from(password, "utf16le"));
  return createHmac("md5", ntHash).update(Buffer.from(user.toUpperCase() + domain, "utf16le")).digest();
}

/** NTLMv2 only: NTLMv1 (24-byte responses) is refused, as Exchange servers at LmCompatibilityLevel 5 do. */
export function verifyNtlmV2(password: string, msg: Extract<NtlmMessage, { type: 3 }>, challenge: Buffer): boolean {
  if (msg.ntResponse.length <= 24) return false;
  const proof = msg.ntResponse.subarray(0, 16);
  const blob = msg.ntResponse.subarray(16);
  const expected = createHmac("md5", ntowfv2(password, msg.user, msg.domain)).update(Buffer.concat([challenge, blob])).digest();
  return timingSafeEqual(proof, expected);
}
