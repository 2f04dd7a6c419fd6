import type { Server, Socket } from 'node:net';
import { createServer, connect as dial } from 'node:net';

/**
 * A node of the original Python exercise, played in tests, written from
 * ../shared/SEED.md's facts (not from rxchat's own code): it listens and
 * dials the addresses it is given; each frame is a 2-byte big-endian length
 * and that many bytes of UTF-8, `[<local time>] <name>:\n\t<text>`; the
 * dialer's first frame is `has connected from 0.0.0.0:0!`, the accepting end
 * says nothing; leaving, it sends `is disconnecting!` to every connection,
 * waits 250 ms and closes. It forwards nothing. (Unlike the original, it reads
 * frames whole however TCP splits them: the tests are about rxchat.)
 */
export interface Original {
  readonly name: string;
  readonly port: number;
  /** Every frame's text it received, in order, from every connection. */
  readonly heard: string[];
  /** Connections open now. */
  readonly connections: ReadonlySet<Socket>;
  /** Dials `host:port` and sends its connected notice. */
  dialTo(host: string, port: number): Promise<void>;
  /** Says a line to every connection. */
  say(text: string): void;
  /** Writes raw bytes to every connection (for junk and split frames). */
  writeRaw(bytes: Buffer): void;
  /** Leaves as the original does: the notice, 250 ms, close. */
  quit(): Promise<void>;
  /** Gone at once, like a killed process (tests clean up with it). */
  stop(): void;
}

/** How long the original waits after `is disconnecting!` before it closes (SEED.md: 0.25 s). */
const ORIGINAL_LEAVE_PAUSE_MS = 250;

/** Python's `datetime.now().isoformat()`: local time, with microseconds. */
export function pythonNow(date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return `${day}T${time}.${String(date.getMilliseconds() * 1000).padStart(6, '0')}`;
}

/** One frame of the original's wire. */
export function originalFrame(name: string, text: string): Buffer {
  const body = Buffer.from(`[${pythonNow()}] ${name}:\n\t${text}`, 'utf8');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

/** Reads frames off one connection into `heard`; a length of 0 closes it. */
function readFrames(socket: Socket, heard: string[]): void {
  let carry = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    carry = Buffer.concat([carry, chunk]);
    while (carry.length >= 2) {
      const length = carry.readUInt16BE(0);
      if (length === 0) {
        socket.end();
        return;
      }
      if (carry.length < 2 + length) return;
      heard.push(carry.subarray(2, 2 + length).toString('utf8'));
      carry = carry.subarray(2 + length);
    }
  });
}

/** An original listening on 127.0.0.1 at a port of its own. */
export async function startOriginal(name: string): Promise<Original> {
  const heard: string[] = [];
  const connections = new Set<Socket>();
  const keep = (socket: Socket): void => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => connections.delete(socket));
    readFrames(socket, heard);
  };
  const server: Server = createServer(keep);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const toAll = (bytes: Buffer): void => {
    for (const socket of connections) socket.write(bytes);
  };
  return {
    name,
    port,
    heard,
    connections,
    dialTo: (host, to) =>
      new Promise((resolve, reject) => {
        const socket = dial({ host, port: to }, () => {
          keep(socket);
          socket.write(originalFrame(name, 'has connected from 0.0.0.0:0!'));
          resolve();
        });
        socket.once('error', reject);
      }),
    say: (text) => toAll(originalFrame(name, text)),
    writeRaw: (bytes) => toAll(bytes),
    stop: () => {
      for (const socket of connections) socket.destroy();
      server.close();
    },
    quit: async () => {
      toAll(originalFrame(name, 'is disconnecting!'));
      // The original's own pause before it closes (its behaviour, not a wait for an event).
      await new Promise((resolve) => setTimeout(resolve, ORIGINAL_LEAVE_PAUSE_MS));
      for (const socket of connections) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
