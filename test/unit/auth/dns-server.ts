import dgram from "node:dgram";

/** A tiny authoritative DNS server on 127.0.0.1 for the link-DNS tests: A records from a map, NXDOMAIN otherwise. */
export interface FakeDns {
  readonly server: string;
  readonly queries: string[];
  close(): Promise<void>;
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (i < msg.length) {
    const len = msg[i] ?? 0;
    if (len === 0) return { name: labels.join("."), end: i + 1 };
    labels.push(msg.subarray(i + 1, i + 1 + len).toString("ascii"));
    i += 1 + len;
  }
  return { name: labels.join("."), end: i };
}

export async function fakeDns(
  records: Readonly<Record<string, string>>,
  opts: { silent?: boolean } = {},
): Promise<FakeDns> {
  const socket = dgram.createSocket("udp4");
  const queries: string[] = [];
  socket.on("message", (msg, rinfo) => {
    const { name, end } = readName(msg, 12);
    const qtype = msg.readUInt16BE(end);
    queries.push(`${name}/${qtype === 1 ? "A" : qtype === 28 ? "AAAA" : qtype}`);
    if (opts.silent) return;
    const address = qtype === 1 ? records[name.toLowerCase()] : undefined;
    const question = msg.subarray(12, end + 4);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    const known = Object.hasOwn(records, name.toLowerCase());
    header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(address ? 1 : 0, 6);
    const parts = [header, question];
    if (address) {
      const answer = Buffer.alloc(16);
      answer.writeUInt16BE(0xc00c, 0);
      answer.writeUInt16BE(1, 2);
      answer.writeUInt16BE(1, 4);
      answer.writeUInt32BE(60, 6);
      answer.writeUInt16BE(4, 10);
      address.split(".").forEach((o, k) => {
        answer.writeUInt8(Number(o), 12 + k);
      });
      parts.push(answer);
    }
    socket.send(Buffer.concat(parts), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    queries,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
