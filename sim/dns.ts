import { createSocket, type Socket } from "node:dgram";

/** What the DNS server knows about one name, asked afresh for every query. */
export type DnsAnswer =
  | { kind: "a"; address: string }
  | { kind: "srv"; records: { priority: number; weight: number; port: number; target: string }[] }
  | { kind: "nodata" }
  | { kind: "nxdomain" };

export type DnsLookup = (name: string, type: "A" | "AAAA" | "SRV" | "OTHER") => DnsAnswer;

const TYPE_A = 1;
const TYPE_AAAA = 28;
const TYPE_SRV = 33;
const TTL = 5;

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const len = msg[at];
    if (len === undefined) throw new Error("truncated name");
    if (len === 0) return { name: labels.join("."), end: at + 1 };
    if (len >= 0xc0) throw new Error("compressed name in question");
    labels.push(msg.subarray(at + 1, at + 1 + len).toString("ascii"));
    at += 1 + len;
  }
}

function encodeName(name: string): Buffer {
  const parts = name.split(".").filter(Boolean).map((l) => {
    const b = Buffer.from(l, "ascii");
    return Buffer.concat([Buffer.from([b.length]), b]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function record(type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(TTL, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

function answerRecords(answer: DnsAnswer, qtype: number): Buffer[] {
  if (answer.kind === "a" && qtype === TYPE_A) return [record(TYPE_A, Buffer.from(answer.address.split(".").map(Number)))];
  if (answer.kind === "srv" && qtype === TYPE_SRV) {
    return answer.records.map((r) => {
      const fixed = Buffer.alloc(6);
      fixed.writeUInt16BE(r.priority, 0);
      fixed.writeUInt16BE(r.weight, 2);
      fixed.writeUInt16BE(r.port, 4);
      return record(TYPE_SRV, Buffer.concat([fixed, encodeName(r.target)]));
    });
  }
  return [];
}

/** Builds the reply to one query datagram, or null when it is not a query we can read. */
export function reply(query: Buffer, lookup: DnsLookup): Buffer | null {
  if (query.length < 12 || (query[2]! & 0x80) !== 0) return null;
  let question: { name: string; end: number };
  try {
    question = readName(query, 12);
  } catch {
    return null;
  }
  if (question.end + 4 > query.length) return null;
  const qtype = query.readUInt16BE(question.end);
  const typeName = qtype === TYPE_A ? "A" : qtype === TYPE_AAAA ? "AAAA" : qtype === TYPE_SRV ? "SRV" : "OTHER";
  const answer = lookup(question.name.toLowerCase(), typeName);
  const answers = answerRecords(answer, qtype);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  const rd = query[2]! & 0x01;
  header[2] = 0x84 | rd; // QR, AA
  header[3] = answer.kind === "nxdomain" ? 3 : 0;
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12, question.end + 4), ...answers]);
}

/** A UDP DNS server on 127.0.0.1 (free port). */
export async function startDnsServer(lookup: DnsLookup): Promise<{ port: number; close(): Promise<void> }> {
  const socket: Socket = createSocket("udp4");
  socket.on("message", (msg, rinfo) => {
    const out = reply(msg, lookup);
    if (out) socket.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => resolve());
  });
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
