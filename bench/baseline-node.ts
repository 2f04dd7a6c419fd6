import { createHash, randomBytes } from 'node:crypto';
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';

/**
 * The benchmark's baseline: a minimal mesh with plain `net` and no RxJS, one
 * JSON object per line on the wire, written with care: sockets and stdin read
 * as UTF-8 chunks and split by hand, the lines of one stdin read sent as one
 * frame in one write per peer, one stdout write per socket read, stdin paused
 * while a peer is over its high-water mark. No causal order, no signatures,
 * no liveness, no catch-up: it sets the limit rxchat is measured against.
 *
 *   node baseline-node.js <port> <name> [host:port ...] [--plain] [--short] [--tls]
 *
 * With `--plain` received messages print as `from: text` (the floor of Node
 * itself); otherwise as the same `message` events rxchat prints with `--json`
 * (with `--short`, of `event`, `from` and `text` only). With `--tls` every
 * link is TLS 1.3 with a pre-shared key from `RXCHAT_SECRET`, as in rxchat's
 * closed room: the same cipher suites, PSK with (EC)DHE, no certificates.
 * `ready` and `join` are JSON either way, so the harness can follow the mesh.
 */

const args = process.argv.slice(2);
const plain = args.includes('--plain');
/** `--short`: message events of `event`, `from` and `text` only, as the yardstick's JSON mesh prints. */
const short = args.includes('--short');
const tls = args.includes('--tls');
/** rxchat's closed-room settings; the key itself is the secret's SHA-256 (derived once, at start). */
const PSK = createHash('sha256')
  .update(process.env.RXCHAT_SECRET ?? 'baseline')
  .digest();
const tlsOptions = {
  ciphers: 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256',
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
} as const;
const positional = args.filter((arg) => !arg.startsWith('--') && arg !== '127.0.0.1');
const [portText = '0', name = 'baseline', ...peers] = positional;
const id = randomBytes(8).toString('hex');
const stream = `${id}.${randomBytes(4).toString('hex')}`;
const sockets = new Set<Socket>();
let seq = 0;
let stdinEnded = false;

/** Calls `onLines` with the whole lines of each chunk; a line's end may come in a later one. */
function lineReader(onLines: (lines: string[]) => void): (chunk: string) => void {
  let carry = '';
  return (chunk) => {
    const text = carry + chunk;
    const last = text.lastIndexOf('\n');
    if (last === -1) {
      carry = text;
      return;
    }
    carry = text.slice(last + 1);
    onLines(text.slice(0, last).split('\n'));
  };
}

/** A frame as read: hello `{type, id, name}`, or the lines of one stdin read. */
interface WireFrame {
  readonly type: string;
  readonly id?: string;
  readonly name?: string;
  readonly origin?: string;
  readonly seq?: number;
  readonly texts?: readonly string[];
  readonly time?: string;
}

/** The `message` events of one frame, as rxchat --json prints them (or `from: text`). */
function messageLines(frame: WireFrame): string {
  const texts = frame.texts ?? [];
  let out = '';
  if (plain) {
    for (const text of texts) out += `${frame.name}: ${text}\n`;
    return out;
  }
  const from = JSON.stringify(frame.name);
  if (short) {
    for (const text of texts)
      out += `{"event":"message","from":${from},"text":${JSON.stringify(text)}}\n`;
    return out;
  }
  const head = `{"event":"message","from":${from},"origin":"${frame.origin?.split('.')[0]}","id":"${frame.origin}:`;
  const tail = `,"time":"${frame.time}","history":false,"action":false}\n`;
  let at = frame.seq ?? 0;
  for (const text of texts) out += `${head}${at++}","text":${JSON.stringify(text)}${tail}`;
  return out;
}

function resumeInput(): void {
  if (stdinEnded || !process.stdin.isPaused()) return;
  for (const socket of sockets) if (socket.writableNeedDrain) return;
  process.stdin.resume();
}

function attach(socket: Socket): void {
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  sockets.add(socket);
  socket.write(`${JSON.stringify({ type: 'hello', id, name })}\n`);
  socket.on(
    'data',
    lineReader((lines) => {
      let out = '';
      for (const line of lines) {
        const frame = JSON.parse(line) as WireFrame;
        if (frame.type === 'chat') out += messageLines(frame);
        else if (frame.type === 'hello')
          out += `${JSON.stringify({ event: 'join', user: frame.name, id: frame.id, address: socket.remoteAddress })}\n`;
      }
      if (out !== '') process.stdout.write(out);
    }),
  );
  socket.on('drain', resumeInput);
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    sockets.delete(socket);
    resumeInput();
  });
}

const server: Server = tls
  ? createTlsServer({ ...tlsOptions, pskCallback: () => PSK }, attach)
  : createServer(attach);
server.listen(Number(portText), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ event: 'ready', v: 1, port, id, user: name })}\n`);
  for (const peer of peers) {
    const at = peer.lastIndexOf(':');
    const host = peer.slice(0, at);
    const port = Number(peer.slice(at + 1));
    const socket = tls
      ? tlsConnect({
          ...tlsOptions,
          host,
          port,
          checkServerIdentity: () => undefined,
          pskCallback: () => ({ psk: PSK, identity: 'rxchat-v1' }),
        })
      : connect({ host, port });
    socket.on(tls ? 'secureConnect' : 'connect', () => attach(socket));
    socket.on('error', () => socket.destroy());
  }
});

process.stdin.setEncoding('utf8');
process.stdin.on(
  'data',
  lineReader((texts) => {
    const frame = {
      type: 'chat',
      origin: stream,
      name,
      seq: seq + 1,
      time: new Date().toISOString(),
      texts,
    };
    seq += texts.length;
    const line = `${JSON.stringify(frame)}\n`;
    let full = false;
    for (const socket of sockets) if (!socket.write(line)) full = true;
    if (full) process.stdin.pause();
  }),
);
process.stdin.on('end', () => {
  stdinEnded = true;
  for (const socket of sockets) socket.end();
  server.close();
});
