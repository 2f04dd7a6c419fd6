import { generateKeyPairSync } from 'node:crypto';
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { announcementText } from '../../src/core/announcement.js';
import type { Identity } from '../../src/core/identity.js';
import { helloSeen, proofText, signChat } from '../../src/core/signing.js';
import { freshIdentity } from '../../src/io/identity.js';
import type { Announcement, HelloFrame, VectorRecord } from '../../src/protocol/frames.js';
import { PROTOCOL_VERSION } from '../../src/protocol/frames.js';
import { validateFrame } from '../../src/protocol/validate-frame.js';

/** A hand-driven TCP client for feeding a node exact bytes. */
export interface RawClient {
  readonly socket: Socket;
  /** This client's own key pair; its node id is `identity.id`. */
  readonly identity: Identity;
  readonly id: string;
  readonly lines: string[];
  write(data: string | Buffer): void;
  frames(): Record<string, unknown>[];
  closed(timeoutMs?: number): Promise<void>;
  /** Says hello as `name`, and proves its key once the node's hello arrives. */
  hello(name: string, extra?: Record<string, unknown>): void;
  /** The proof line of this client's hello (once said) to a node that said `nodeHello`. */
  proofFor(nodeHello: Record<string, unknown>): string;
  /** The hello this client sent, as sent (undefined before `hello`). */
  sentHello(): Record<string, unknown> | undefined;
  /** A chat frame of `texts` signed by this client (seq from 1 up). */
  chat(name: string, texts: readonly string[]): string;
  /** A chat frame signed by this client with every field chosen (see signedChatLine). */
  signed(fields: ChatFields): string;
  /**
   * Sends a ping and waits for its pong: the node has handled everything this
   * client wrote before it (one link's frames are handled in order).
   */
  roundTrip(timeoutMs?: number): Promise<void>;
}

/** The fields of a hand-made chat frame; `inc` defaults to "1", `deps` to {}, `time` to now. */
export interface ChatFields {
  readonly name: string;
  readonly seq: number;
  readonly texts: readonly string[];
  readonly deps?: VectorRecord;
  readonly inc?: string;
  readonly time?: string;
  /** Not signed (relays may add it), so it is set after signing. */
  readonly replay?: boolean;
}

/**
 * `identity`'s announcement of itself (incarnation 1, started now, a fresh
 * X25519 key), signed by it; `fields` may set any announced field.
 */
export function signedAnnouncement(
  identity: Identity,
  fields: Partial<Announcement> & Record<string, unknown> = {},
): Announcement {
  const { publicKey } = generateKeyPairSync('x25519');
  const unsigned = {
    id: identity.id,
    inc: '1',
    name: 'raw',
    port: 1,
    mesh: false,
    key: identity.key,
    dh: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64'),
    time: new Date().toISOString(),
    ...pickAnnounced(fields),
  };
  return { ...unsigned, sig: identity.sign(announcementText(unsigned)) };
}

/** The announced fields among `fields`, typed as they are announced. */
function pickAnnounced(fields: Record<string, unknown>): Partial<Omit<Announcement, 'sig'>> {
  const names = ['id', 'inc', 'name', 'port', 'mesh', 'advertise', 'key', 'dh', 'time'];
  return Object.fromEntries(Object.entries(fields).filter(([key]) => names.includes(key)));
}

/** One chat frame line signed by `identity` (its origin), with the fields as given, true or not. */
export function signedChatLine(identity: Identity, fields: ChatFields): string {
  const frame = signChat(identity, {
    type: 'chat',
    origin: identity.id,
    inc: fields.inc ?? '1',
    name: fields.name,
    seq: fields.seq,
    deps: fields.deps ?? {},
    time: fields.time ?? new Date().toISOString(),
    texts: fields.texts,
  });
  return `${JSON.stringify(fields.replay === undefined ? frame : { ...frame, replay: fields.replay })}\n`;
}

/** A hello as a node validates it; a hello it would refuse is none. */
function validHello(value: unknown): HelloFrame | undefined {
  const result = validateFrame(value);
  return result.ok && result.frame.type === 'hello' ? result.frame : undefined;
}

/**
 * The `proof` line that `identity` signs for the hello `own` (its id is the
 * signer) to a node whose hello was `peer`: rxchat-proof-v3 over the node's
 * nonce, both ids, both hellos and the link's session (`binding`, the TLS
 * exporter in hex; none in the clear). An invalid hello gets a proof of nothing.
 */
export function proofLine(
  identity: Identity,
  own: Record<string, unknown>,
  peer: Record<string, unknown>,
  binding?: string,
): string {
  const mine = validHello(own);
  const theirs = validHello(peer);
  const text =
    mine === undefined || theirs === undefined
      ? 'not a hello'
      : proofText(helloSeen(identity, mine), helloSeen(identity, theirs), binding);
  return `${JSON.stringify({ type: 'proof', sig: identity.sign(text) })}\n`;
}

/** A valid hello of `identity`, its announcement signed as sent: `extra` may change any field. */
function helloOf(identity: Identity, name: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'hello',
    v: PROTOCOL_VERSION,
    nonce: 'raw-client-nonce',
    ...signedAnnouncement(identity, { name, port: 1, mesh: false, ...extra }),
    ...extra,
  };
}

/** A valid hello line of `identity` (its proof is another frame: see RawClient.hello). */
export function helloLine(
  identity: Identity,
  name: string,
  extra: Record<string, unknown> = {},
): string {
  return `${JSON.stringify(helloOf(identity, name, extra))}\n`;
}

/**
 * Connects to a node on 127.0.0.1. With `answerPings`, it behaves as a live
 * member: it answers every ping, confirming every chat message it was sent.
 * With `identity`, it speaks as that key pair (one member on several links);
 * otherwise as a fresh one.
 */
export function rawConnect(
  port: number,
  options: {
    answerPings?: boolean;
    identity?: Identity;
    allowHalfOpen?: boolean;
  } = {},
): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      allowHalfOpen: options.allowHalfOpen === true,
    });
    const lines: string[] = [];
    const identity = options.identity ?? freshIdentity();
    /** Pongs waited for by roundTrip, by their `t`. */
    const pongWaiters = new Map<number, () => void>();
    let pings = 0;
    let seq = 0;
    let proved = false;
    /** This client's hello, once said. */
    let myHello: Record<string, unknown> | undefined;
    let partial = '';
    const prove = (nodeHello: Record<string, unknown>): void => {
      if (proved || myHello === undefined) return;
      proved = true;
      socket.write(proofLine(identity, myHello, nodeHello));
    };
    let isClosed = false;
    socket.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      for (const line of parts) {
        const frame = JSON.parse(line) as Record<string, unknown> & { type?: string };
        if (frame.type === 'pong') {
          const t = (frame as { t?: number }).t;
          const waiter = t === undefined ? undefined : pongWaiters.get(t);
          if (t !== undefined && waiter !== undefined) {
            pongWaiters.delete(t);
            waiter();
          }
        }
        if (frame.type === 'hello') prove(frame);
      }
      if (options.answerPings !== true) return;
      for (const line of parts) {
        const frame = JSON.parse(line) as { type?: string; t?: number };
        if (frame.type !== 'ping') continue;
        const seen = lines
          .map((l) => JSON.parse(l) as { type?: string; texts?: unknown[] })
          .filter((f) => f.type === 'chat')
          .reduce((sum, f) => sum + (f.texts?.length ?? 0), 0);
        socket.write(`${JSON.stringify({ type: 'pong', t: frame.t, seen })}\n`);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      isClosed = true;
    });
    socket.once('connect', () => {
      const client: RawClient = {
        socket,
        identity,
        id: identity.id,
        lines,
        write(data) {
          socket.write(data);
        },
        frames() {
          return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
        },
        closed(timeoutMs = 10_000) {
          return new Promise((done, fail) => {
            if (isClosed) return done();
            const timer = setTimeout(() => fail(new Error('connection was not closed')), timeoutMs);
            socket.once('close', () => {
              clearTimeout(timer);
              done();
            });
          });
        },
        hello(name, extra = {}) {
          myHello = helloOf(identity, name, extra);
          socket.write(`${JSON.stringify(myHello)}\n`);
          // A hello that arrived before ours was written still needs its proof.
          for (const line of lines) {
            const frame = JSON.parse(line) as Record<string, unknown>;
            if (frame.type === 'hello') prove(frame);
          }
        },
        proofFor(nodeHello) {
          return proofLine(identity, myHello ?? {}, nodeHello);
        },
        sentHello: () => myHello,
        chat(name, texts) {
          const frame = signChat(identity, {
            type: 'chat',
            origin: identity.id,
            inc: '1',
            name,
            seq: seq + 1,
            deps: {},
            time: new Date().toISOString(),
            texts,
          });
          seq += texts.length;
          return `${JSON.stringify(frame)}\n`;
        },
        signed(fields) {
          return signedChatLine(identity, fields);
        },
        roundTrip(timeoutMs = 15_000) {
          pings += 1;
          // Far from any clock reading, so never mistaken for the answer to a node's own ping.
          const t = -pings;
          return new Promise((done, fail) => {
            const timer = setTimeout(() => {
              pongWaiters.delete(t);
              fail(new Error(`no pong for ping ${t} within ${timeoutMs} ms`));
            }, timeoutMs);
            pongWaiters.set(t, () => {
              clearTimeout(timer);
              done();
            });
            socket.write(`${JSON.stringify({ type: 'ping', t })}\n`);
          });
        },
      };
      resolve(client);
    });
    socket.once('error', reject);
  });
}
