import dgram from "node:dgram";

export interface SrvAnswer {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface DnsZone {
  a?: Record<string, string>;
  srv?: Record<string, SrvAnswer[]>;
}

export interface TestDns {
  /** "127.0.0.1:port", ready for NetworkSettings.dnsServers. */
  server: string;
  /** Every name asked, in order, with its query type (1 = A, 28 = AAAA, 33 = SRV). */
  queries: Array<{ name: string; type: number }>;
  close(): Promise<void>;
}

function readName(message: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let at = offset;
  for (let length = message[at] ?? 0; length > 0; length = message[at] ?? 0) {
    labels.push(message.subarray(at + 1, at + 1 + length).toString("ascii"));
    at += 1 + length;
  }
  return { name: labels.join(".").toLowerCase(), next: at + 1 };
}

function encodeName(name: string): Buffer {
  const parts = name.split(".").filter(Boolean).map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, "ascii")]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function record(type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // pointer to the question's name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(60, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

function answer(query: Buffer, zone: DnsZone, log: TestDns["queries"]): Buffer {
  const { name, next } = readName(query, 12);
  const type = query.readUInt16BE(next);
  log.push({ name, type });
  const answers: Buffer[] = [];
  const ip = zone.a?.[name];
  if (type === 1 && ip) answers.push(record(1, Buffer.from(ip.split(".").map(Number))));
  for (const srv of type === 33 ? (zone.srv?.[name] ?? []) : []) {
    const fixed = Buffer.alloc(6);
    fixed.writeUInt16BE(srv.priority, 0);
    fixed.writeUInt16BE(srv.weight, 2);
    fixed.writeUInt16BE(srv.port, 4);
    answers.push(record(33, Buffer.concat([fixed, encodeName(srv.target)])));
  }
  const known = ip !== undefined || zone.srv?.[name] !== undefined;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // response, recursion desired+available, NOERROR / NXDOMAIN
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12, next + 4), ...answers]);
}

/** A tiny authoritative DNS server over UDP on 127.0.0.1: A and SRV records, NXDOMAIN for the rest. */
export async function startDns(zone: DnsZone): Promise<TestDns> {
  const socket = dgram.createSocket("udp4");
  const queries: TestDns["queries"] = [];
  socket.on("message", (message, peer) => socket.send(answer(message, zone, queries), peer.port, peer.address));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
