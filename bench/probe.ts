import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import type { BenchNode } from './harness.js';

/** The protocol version a probe tries first; a node that speaks another one says so in its `bye`. */
const FIRST_VERSION = 4;
/** Versions tried at most: the first, then the one the node names (and one more, in case). */
const MAX_ATTEMPTS = 3;
const HANDSHAKE_MS = 15_000;

/** The node's own chat frames a probe caught for one write to the node's stdin. */
export interface Capture {
  /** Each frame as received, parsed. */
  readonly frames: readonly Record<string, unknown>[];
  /** Each frame's bytes on the wire: the JSON line, newline included. */
  readonly bytes: readonly number[];
}

/** A hand-made member linked with one node, watching what that node sends it. */
export interface Probe {
  readonly id: string;
  /** The protocol version the handshake agreed on. */
  readonly version: number;
  /** Bytes (newline included) of the first `have` the node sent this probe after the handshake. */
  readonly haveBytes: number;
  /**
   * Writes `texts` as lines to the node's stdin, all at once; resolves with the node's own
   * live (not replayed) chat frames on this link until they held that many texts.
   */
  say(texts: readonly string[], timeoutMs: number): Promise<Capture>;
  /** Says `bye` (quit, so the node does not redial it) and closes. */
  close(): void;
}

interface Line {
  readonly frame: Record<string, unknown>;
  readonly bytes: number;
}

/** Splits a byte stream into lines at `\n`, each with its length in bytes, newline included. */
function lineReader(onLine: (line: Line) => void): (chunk: Buffer) => void {
  let partial: Buffer = Buffer.alloc(0);
  return (chunk) => {
    const data = partial.length === 0 ? chunk : Buffer.concat([partial, chunk]);
    let start = 0;
    for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
      const text = data.toString('utf8', start, end);
      onLine({ frame: JSON.parse(text) as Record<string, unknown>, bytes: end + 1 - start });
      start = end + 1;
    }
    partial = data.subarray(start);
  };
}

interface Keys {
  readonly id: string;
  readonly key: string;
  /** The X25519 key and start time the probe announces (fixed: one hello, signed once). */
  readonly dh: string;
  readonly time: string;
  /** Ed25519 over SHA-256 of the text, base64. */
  sign(text: string): string;
  /** The `proof` frame for the probe's hello `own` and a node's hello. */
  proof(own: Record<string, unknown>, node: Record<string, unknown>): string;
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A hello's canonical text, as docs/PROTOCOL.md gives it: what a proof names it by. */
function helloText(hello: Record<string, unknown>): string {
  return [
    'rxchat-hello-v3',
    String(hello.v),
    String(hello.id),
    String(hello.inc),
    JSON.stringify(hello.name),
    String(hello.port),
    String(hello.mesh),
    JSON.stringify(hello.key),
    JSON.stringify(hello.dh),
    JSON.stringify(hello.time),
    JSON.stringify(hello.sig),
    JSON.stringify(hello.nonce),
    JSON.stringify(hello.advertise ?? null),
  ].join('\n');
}

/** An announcement's text, as docs/PROTOCOL.md gives it: what its `sig` signs. */
function announcementText(hello: Record<string, unknown>): string {
  return [
    'rxchat-member-v3',
    String(hello.id),
    String(hello.inc),
    JSON.stringify(hello.name),
    String(hello.port),
    hello.mesh === true ? 'mesh' : 'no-mesh',
    hello.advertise === undefined ? '-' : JSON.stringify(hello.advertise),
    String(hello.key),
    String(hello.dh),
    JSON.stringify(hello.time),
  ].join('\n');
}

function freshKeys(): Keys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const key = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
  const id = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 16);
  const signText = (text: string): string =>
    sign(null, createHash('sha256').update(text).digest(), privateKey).toString('base64');
  const dh = generateKeyPairSync('x25519')
    .publicKey.export({ format: 'der', type: 'spki' })
    .subarray(-32)
    .toString('base64');
  return {
    id,
    key,
    dh,
    time: new Date().toISOString(),
    sign: signText,
    proof: (own, node) => {
      // Prove this probe's key: sign the node's nonce, both ids and both hellos (no TLS here).
      const text = [
        'rxchat-proof-v3',
        JSON.stringify(node.nonce),
        id,
        String(node.id),
        sha256Hex(helloText(own)),
        sha256Hex(helloText(node)),
        '',
      ].join('\n');
      return `${JSON.stringify({ type: 'proof', sig: signText(text) })}\n`;
    },
  };
}

/** What one connection came to: a probe, or the version the node speaks instead. */
type Attempt =
  | { readonly kind: 'linked'; readonly probe: Probe }
  | { readonly kind: 'speaks'; readonly version: number };

/**
 * Links a probe with `node`, speaking the node's protocol version: it says hello
 * first (a node may wait for the dialer's first byte) with the newest version, and
 * when the node answers `bye` `incompatible` ("this node speaks protocol vN"), or
 * closes after a hello of another version, it connects again speaking that one.
 */
export async function openProbe(node: BenchNode, version = FIRST_VERSION): Promise<Probe> {
  let v = version;
  const tried: number[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    tried.push(v);
    const result = await attemptProbe(node, v);
    if (result.kind === 'linked') return result.probe;
    if (tried.includes(result.version)) break;
    v = result.version;
  }
  throw new Error(
    `probe: ${node.address} refused protocol ${tried.map((t) => `v${t}`).join(', ')}`,
  );
}

/** The version named by a `bye` `incompatible` (`this node speaks protocol vN`), if any. */
function spokenVersion(frame: Record<string, unknown>): number | undefined {
  if (frame.type !== 'bye' || frame.reason !== 'incompatible') return undefined;
  const named = /protocol v(\d+)/.exec(String(frame.detail))?.[1];
  return named === undefined ? undefined : Number(named);
}

function attemptProbe(node: BenchNode, v: number): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const keys = freshKeys();
    const socket = connect({ host: '127.0.0.1', port: node.port });
    let helloVersion: number | undefined;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      return true;
    };
    const fail = (why: string): void => {
      if (!settle()) return;
      socket.destroy();
      reject(new Error(`probe of ${node.address} (v${v}): ${why}`));
    };
    const speaks = (version: number): void => {
      if (!settle()) return;
      socket.destroy();
      resolve({ kind: 'speaks', version });
    };
    const timer = setTimeout(() => fail('no handshake'), HANDSHAKE_MS);
    const link = probeLink(socket, node, keys, v);
    link.onHandshake = (frame) => {
      if (frame.type === 'hello' && typeof frame.v === 'number') helloVersion = frame.v;
      const named = spokenVersion(frame);
      if (named !== undefined) speaks(named);
      else if (frame.type === 'bye') fail(`bye ${String(frame.reason)} ${String(frame.detail)}`);
    };
    socket.on('error', () => {});
    socket.on('close', () => {
      if (settled) return;
      if (helloVersion !== undefined && helloVersion !== v) speaks(helloVersion);
      else fail('closed before the handshake was done');
    });
    socket.on('connect', () => socket.write(helloLine(keys, v)));
    // Timed by the attempt's own timer: nothing is left pending once it settled.
    const joined = new Promise<void>((resolve) => {
      const check = (): void => {
        if (node.linked.has(keys.id)) resolve();
      };
      node.onEvent(check);
      check();
    });
    Promise.all([link.have, joined]).then(
      ([haveBytes]) => {
        if (settle()) resolve({ kind: 'linked', probe: link.probe(haveBytes) });
      },
      (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
    );
  });
}

function probeHello(keys: Keys, v: number): Record<string, unknown> {
  return {
    type: 'hello',
    v,
    id: keys.id,
    inc: '1',
    name: 'probe',
    port: 1,
    mesh: false,
    key: keys.key,
    dh: keys.dh,
    time: keys.time,
    nonce: 'bench',
  };
}

/** The probe's hello, its announcement signed. */
function signedHello(keys: Keys, v: number): Record<string, unknown> {
  const hello = probeHello(keys, v);
  return { ...hello, sig: keys.sign(announcementText(hello)) };
}

function helloLine(keys: Keys, v: number): string {
  return `${JSON.stringify(signedHello(keys, v))}\n`;
}

interface ProbeLink {
  /** Resolves with the bytes of the first `have`. */
  readonly have: Promise<number>;
  /** Told of the hello and any bye. */
  onHandshake: (frame: Record<string, unknown>) => void;
  probe(haveBytes: number): Probe;
}

/**
 * The frames of one probe connection: proves the probe's key on the node's hello, answers pings
 * (confirming the node's messages, as a live member does) and hands the node's own chat frames
 * to whoever is waiting for them.
 */
function probeLink(socket: Socket, node: BenchNode, keys: Keys, v: number): ProbeLink {
  let seen = 0;
  let catcher: ((line: Line) => void) | undefined;
  let haveSeen: ((bytes: number) => void) | undefined;
  const have = new Promise<number>((resolve) => {
    haveSeen = resolve;
  });
  const link: ProbeLink = {
    have,
    onHandshake: () => {},
    probe: (haveBytes) => ({
      id: keys.id,
      version: v,
      haveBytes,
      say: (texts, timeoutMs) =>
        catchChat(node, texts, timeoutMs, (c) => {
          catcher = c;
        }),
      close: () => {
        socket.end(`${JSON.stringify({ type: 'bye', reason: 'quit' })}\n`);
        setTimeout(() => socket.destroy(), 1000).unref();
      },
    }),
  };
  socket.on(
    'data',
    lineReader((line) => {
      const { frame } = line;
      if (frame.type === 'hello') socket.write(keys.proof(signedHello(keys, v), frame));
      if (frame.type === 'hello' || frame.type === 'bye') link.onHandshake(frame);
      if (frame.type === 'have') haveSeen?.(line.bytes);
      if (frame.type === 'have') haveSeen = undefined;
      if (frame.type === 'ping')
        socket.write(`${JSON.stringify({ type: 'pong', t: frame.t, seen })}\n`);
      if (frame.type !== 'chat' || frame.origin !== node.id || frame.replay === true) return;
      const texts = Array.isArray(frame.texts) ? frame.texts.length : 0;
      seen = Math.max(seen, Number(frame.seq) + texts - 1);
      catcher?.(line);
    }),
  );
  return link;
}

/** Writes `texts` to the node's stdin and collects its frames until they held all of them. */
function catchChat(
  node: BenchNode,
  texts: readonly string[],
  timeoutMs: number,
  setCatcher: (catcher: ((line: Line) => void) | undefined) => void,
): Promise<Capture> {
  return new Promise((resolve, reject) => {
    const frames: Record<string, unknown>[] = [];
    const bytes: number[] = [];
    const got: unknown[] = [];
    const timer = setTimeout(() => {
      setCatcher(undefined);
      reject(new Error(`probe: ${got.length} of ${texts.length} lines arrived`));
    }, timeoutMs);
    setCatcher((line) => {
      frames.push(line.frame);
      bytes.push(line.bytes);
      got.push(...(Array.isArray(line.frame.texts) ? line.frame.texts : []));
      if (got.length < texts.length) return;
      clearTimeout(timer);
      setCatcher(undefined);
      const wrong = got.findIndex((text, i) => text !== texts[i]);
      if (wrong !== -1) reject(new Error(`probe: line ${wrong} was not the line written`));
      else if (got.length > texts.length) reject(new Error('probe: more lines than were written'));
      else resolve({ frames, bytes });
    });
    node.child.stdin.write(`${texts.join('\n')}\n`);
  });
}
