import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/**
 * The benchmark's baseline: a minimal mesh with plain `net` and no RxJS, one
 * JSON object per line on the wire, written carefully (one write per read,
 * one stdout write per read). No causal order, no signatures, no liveness,
 * no catch-up: it sets the limit rxchat is measured against.
 *
 *   node baseline-node.js <port> <name> [host:port ...] [--plain]
 *
 * With `--plain` received messages print as `from: text` (the floor of Node
 * itself); otherwise as the same `message` events rxchat prints with `--json`.
 * `ready` and `join` are JSON either way, so the harness can follow the mesh.
 */

const args = process.argv.slice(2);
const plain = args.includes('--plain');
const positional = args.filter((arg) => !arg.startsWith('--') && arg !== '127.0.0.1');
const [portText = '0', name = 'baseline', ...peers] = positional;
const id = randomBytes(8).toString('hex');
const stream = `${id}.${randomBytes(4).toString('hex')}`;
const sockets = new Set<Socket>();
let seq = 0;

function lineReader(onLines: (lines: string[]) => void): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  return (chunk) => {
    const parts = (carry + decoder.write(chunk)).split('\n');
    carry = parts.pop() ?? '';
    if (parts.length > 0) onLines(parts);
  };
}

/** A frame as read: hello `{type, id, name}` or chat. */
interface WireFrame {
  readonly type: string;
  readonly id?: string;
  readonly name?: string;
  readonly origin?: string;
  readonly seq?: number;
  readonly text?: string;
  readonly time?: string;
}

interface WireChat {
  readonly type: 'chat';
  readonly origin: string;
  readonly name: string;
  readonly seq: number;
  readonly text: string;
  readonly time: string;
}

function attach(socket: Socket): void {
  socket.setNoDelay(true);
  sockets.add(socket);
  socket.write(`${JSON.stringify({ type: 'hello', id, name })}\n`);
  socket.on(
    'data',
    lineReader((lines) => {
      let out = '';
      for (const line of lines) {
        const frame = JSON.parse(line) as WireFrame;
        if (frame.type === 'hello') {
          out += `${JSON.stringify({ event: 'join', user: frame.name, id: frame.id, address: socket.remoteAddress })}\n`;
        } else if (frame.type === 'chat') {
          out += plain
            ? `${frame.name}: ${frame.text}\n`
            : `${JSON.stringify({
                event: 'message',
                from: frame.name,
                origin: frame.origin,
                id: `${frame.origin}.${frame.seq}`,
                text: frame.text,
                time: frame.time,
                history: false,
                action: false,
              })}\n`;
        }
      }
      if (out !== '') process.stdout.write(out);
    }),
  );
  socket.on('error', () => socket.destroy());
  socket.on('close', () => sockets.delete(socket));
}

const server = createServer(attach);
server.listen(Number(portText), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ event: 'ready', v: 1, port, id, user: name })}\n`);
  for (const peer of peers) {
    const at = peer.lastIndexOf(':');
    const socket = connect({ host: peer.slice(0, at), port: Number(peer.slice(at + 1)) });
    socket.on('connect', () => attach(socket));
    socket.on('error', () => socket.destroy());
  }
});

process.stdin.on(
  'data',
  lineReader((lines) => {
    const time = new Date().toISOString();
    let frames = '';
    for (const text of lines) {
      seq += 1;
      const frame: WireChat = { type: 'chat', origin: stream, name, seq, text, time };
      frames += `${JSON.stringify(frame)}\n`;
    }
    for (const socket of sockets) socket.write(frames);
  }),
);
process.stdin.on('end', () => {
  for (const socket of sockets) socket.end();
  server.close();
});
