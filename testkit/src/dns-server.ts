// A tiny authoritative DNS server on loopback that answers TXT questions from a map, for domain verification tests.
import { createSocket, type Socket } from 'node:dgram';

export interface TestDnsServer {
  address: string;
  /** TXT answers by lower-case name; a name not in the map gets NXDOMAIN. */
  txt: Map<string, string[]>;
  close(): Promise<void>;
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (msg[i]! > 0) {
    const len = msg[i]!;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), end: i + 1 };
}

function answer(query: Buffer, txt: Map<string, string[]>): Buffer {
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const question = query.subarray(12, end + 4);
  const records = qtype === 16 ? txt.get(name) : undefined;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(0x8180 | (txt.has(name) ? 0 : 3), 2); // response, recursion available; NXDOMAIN if unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records?.length ?? 0, 6);
  const answers = (records ?? []).map((value) => {
    const data = Buffer.from(value, 'utf8');
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(16, 2); // TXT
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(data.length + 1, 10);
    return Buffer.concat([rr, Buffer.from([data.length]), data]);
  });
  return Buffer.concat([header, question, ...answers]);
}

export function startTestDnsServer(): Promise<TestDnsServer> {
  const txt = new Map<string, string[]>();
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    try {
      socket.send(answer(msg, txt), rinfo.port, rinfo.address);
    } catch {
      // a malformed question gets no answer
    }
  });
  return new Promise((resolve) => {
    socket.bind(0, '127.0.0.1', () => {
      resolve({
        address: `127.0.0.1:${socket.address().port}`,
        txt,
        close: () => new Promise((r) => socket.close(() => r())),
      });
    });
  });
}
