import { createHmac, randomBytes } from "node:crypto";
import { ntowfv2 } from "../../../sim/auth/ntlm.js";

/** The client half of an NTLMv2 handshake, enough to drive the simulator. */

export function type1(): string {
  const msg = Buffer.alloc(32);
  msg.write("NTLMSSP\0", 0, "ascii");
  msg.writeUInt32LE(1, 8);
  msg.writeUInt32LE(0x00088207, 12);
  return msg.toString("base64");
}

function secBuf(msg: Buffer, at: number): Buffer {
  return msg.subarray(msg.readUInt32LE(at + 4), msg.readUInt32LE(at + 4) + msg.readUInt16LE(at));
}

export function type3(type2Base64: string, user: string, password: string, domain = ""): string {
  const t2 = Buffer.from(type2Base64, "base64");
  const challenge = t2.subarray(24, 32);
  const targetInfo = secBuf(t2, 40);
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64LE((BigInt(Date.now()) + 11_644_473_600_000n) * 10_000n);
  const blob = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), timestamp, randomBytes(8), Buffer.alloc(4), targetInfo, Buffer.alloc(4)]);
  const key = ntowfv2(password, user, domain);
  const proof = createHmac("md5", key).update(Buffer.concat([challenge, blob])).digest();
  const nt = Buffer.concat([proof, blob]);
  const lm = Buffer.alloc(24);
  const u = (s: string) => Buffer.from(s, "utf16le");
  const payload = [lm, nt, u(domain), u(user), u("WORKSTATION")];
  const head = Buffer.alloc(64);
  head.write("NTLMSSP\0", 0, "ascii");
  head.writeUInt32LE(3, 8);
  let offset = 64;
  payload.forEach((p, i) => {
    head.writeUInt16LE(p.length, 12 + i * 8);
    head.writeUInt16LE(p.length, 14 + i * 8);
    head.writeUInt32LE(offset, 16 + i * 8);
    offset += p.length;
  });
  head.writeUInt32LE(0, 52);
  head.writeUInt32LE(offset, 56);
  head.writeUInt32LE(0x00088205, 60);
  return Buffer.concat([head, ...payload]).toString("base64");
}
