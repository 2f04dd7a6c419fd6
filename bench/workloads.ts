import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { connect } from 'node:net';
import type { BenchNode, Build } from './harness.js';
import { cpuMsOf, peakRssMbOf, rxchat, startBenchNode, stopAll, until } from './harness.js';

export interface FanOutResult {
  readonly ms: number;
  readonly perSecond: number;
  /** Messages per chat frame at a receiver (NaN for the baselines). */
  readonly perFrame: number;
  /** CPU ms used during the run: the sender, the busiest receiver, the harness. */
  readonly cpu: { readonly sender: number; readonly receiver: number; readonly harness: number };
  /** The highest peak RSS (VmHWM) of the members, MB. */
  readonly peakMb: number;
}

/**
 * One member writes `lines` numbered lines of ~60 bytes as fast as it can;
 * time until each of the `receivers` other members showed all of them, in order.
 */
export async function fanOut(
  lines: number,
  receivers = 2,
  build: Build = rxchat,
): Promise<FanOutResult> {
  const sender = await startBenchNode('sender', [], build);
  const others: BenchNode[] = [];
  for (let i = 0; i < receivers; i++)
    others.push(
      await startBenchNode(`r${i}`, [sender.address, ...others.map((o) => o.address)], build),
    );
  const all = [sender, ...others];
  await until(
    all,
    () => all.every((n) => n.linked.size >= receivers),
    `mesh of ${receivers + 1}`,
    15_000,
  );
  const texts = Array.from(
    { length: lines },
    (_, i) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(45)}`,
  );
  const received = new Map<BenchNode, number>(others.map((node) => [node, 0]));
  const problems: string[] = [];
  for (const node of others) {
    node.onEvent((e) => {
      if (e.event !== 'message') return;
      const count = received.get(node) ?? 0;
      if (e.text !== texts[count] && problems.length < 5)
        problems.push(`got "${String(e.text).slice(0, 20)}", expected line ${count}`);
      received.set(node, count + 1);
    });
  }
  const payload = `${texts.join('\n')}\n`;
  const cpuBefore = all.map((node) => cpuMsOf(node.child.pid));
  const harnessBefore = process.cpuUsage();
  const started = performance.now();
  sender.child.stdin.write(payload);
  const ended = await until(
    others,
    () => others.every((node) => (received.get(node) ?? 0) >= lines),
    `${lines} lines`,
    120_000,
  );
  const harnessCpu = process.cpuUsage(harnessBefore);
  const cpu = all.map((node, i) => cpuMsOf(node.child.pid) - (cpuBefore[i] ?? 0));
  const peakMb = Math.max(...all.map((node) => peakRssMbOf(node.child.pid)));
  // Messages per frame at a receiver: how many lines a burst held on average.
  const receiver = others[0] as BenchNode;
  let perFrame = Number.NaN;
  receiver.onEvent((e) => {
    if (e.event !== 'stats') return;
    const links = e.links as { id: string; received: number; framesReceived?: number }[];
    const link = links.find((l) => l.id === sender.id);
    if (link?.framesReceived !== undefined && link.framesReceived > 0) {
      perFrame = link.received / link.framesReceived;
    }
  });
  if (build.stats) {
    receiver.child.stdin.write('/stats\n');
    await until([receiver], () => !Number.isNaN(perFrame), 'stats', 5000).catch(() => 0);
  }
  stopAll();
  if (problems.length > 0)
    throw new Error(`fan-out lost or reordered lines: ${problems.join('; ')}`);
  const ms = ended - started;
  return {
    ms,
    perSecond: lines / (ms / 1000),
    perFrame,
    cpu: {
      sender: cpu[0] ?? Number.NaN,
      receiver: Math.max(...cpu.slice(1)),
      harness: (harnessCpu.user + harnessCpu.system) / 1000,
    },
    peakMb,
  };
}

/**
 * The bytes the causal metadata (incarnation and deps) adds to a live chat frame
 * of one ~60-byte line, in a mesh of `size` where every member has spoken.
 */
export async function causalOverhead(size: number): Promise<{ frame: number; without: number }> {
  const first = await startBenchNode('n0', []);
  const nodes = [first];
  for (let i = 1; i < size; i++) nodes.push(await startBenchNode(`n${i}`, [first.address]));
  await until(
    nodes,
    () => nodes.every((n) => n.linked.size >= size - 1),
    `mesh of ${size}`,
    30_000,
  );
  const heard = new Map<BenchNode, number>(nodes.map((n) => [n, 0]));
  for (const node of nodes)
    node.onEvent((e) => e.event === 'message' && heard.set(node, (heard.get(node) ?? 0) + 1));
  for (const [i, node] of nodes.entries()) node.child.stdin.write(`hello from ${i}\n`);
  await until(
    nodes,
    () => nodes.every((n) => (heard.get(n) ?? 0) >= size - 1),
    'everyone spoke',
    30_000,
  );
  const frame = await captureChatFrame(first, `line 000001 ${'x'.repeat(45)}`);
  stopAll();
  const { inc: _inc, deps: _deps, key: _key, sig: _sig, ...plain } = frame;
  return {
    frame: Buffer.byteLength(`${JSON.stringify(frame)}\n`),
    without: Buffer.byteLength(`${JSON.stringify(plain)}\n`),
  };
}

/** Joins `node` as a hand-made member and returns the chat frame it sends for `text`. */
function captureChatFrame(node: BenchNode, text: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: node.port });
    let partial = '';
    const timer = setTimeout(() => reject(new Error('no chat frame')), 15_000);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const key = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
    const id = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 16);
    socket.on('connect', () => {
      // v: the protocol version the node speaks (PROTOCOL_VERSION in src/protocol/frames.ts).
      socket.write(
        `${JSON.stringify({ type: 'hello', v: 3, id, inc: '1', name: 'probe', port: 1, mesh: false, key, nonce: 'bench' })}\n`,
      );
      until([node], () => node.linked.has(id), 'probe joined', 10_000).then(
        () => node.child.stdin.write(`${text}\n`),
        reject,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const frame = JSON.parse(line) as Record<string, unknown>;
        if (frame.type === 'hello') {
          // Prove this probe's key: sign the node's nonce and both ids.
          const text = ['rxchat-proof-v1', String(frame.nonce), id, String(frame.id)].join('\n');
          const digest = createHash('sha256').update(text).digest();
          const sig = sign(null, digest, privateKey).toString('base64');
          socket.write(`${JSON.stringify({ type: 'proof', sig })}\n`);
        }
        if (frame.type === 'chat' && frame.replay !== true) {
          clearTimeout(timer);
          socket.destroy();
          resolve(frame);
        }
      }
    });
  });
}

/** Three members; one frozen for `freezeMs` while another sends `lines`: ms from thawing until it showed all. */
export async function catchUpAfterFreeze(lines: number, freezeMs: number): Promise<number> {
  const a = await startBenchNode('a', []);
  const b = await startBenchNode('b', [a.address]);
  const c = await startBenchNode('c', [a.address, b.address]);
  await until([a, b, c], () => [a, b, c].every((n) => n.linked.size >= 2), 'mesh of 3', 15_000);
  let shown = 0;
  c.onEvent((e) => {
    if (e.event === 'message') shown += 1;
  });
  c.child.kill('SIGSTOP');
  const frozenAt = performance.now();
  a.child.stdin.write(Array.from({ length: lines }, (_, i) => `frozen ${i}\n`).join(''));
  let seenAtB = 0;
  b.onEvent((e) => {
    if (e.event === 'message') seenAtB += 1;
  });
  await until([b], () => seenAtB >= lines, 'b has all', 30_000);
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, freezeMs - (performance.now() - frozenAt))),
  );
  const thawed = performance.now();
  c.child.kill('SIGCONT');
  const done = await until([c], () => shown >= lines, 'c caught up', 60_000);
  stopAll();
  return done - thawed;
}

/** `count` nodes each given the first one's address: ms from the last ready until all are linked. */
export async function meshFormation(count: number): Promise<number> {
  const first = await startBenchNode('n0', []);
  const nodes = [first];
  const started = await Promise.all(
    Array.from({ length: count - 1 }, (_, i) => startBenchNode(`n${i + 1}`, [first.address])),
  );
  nodes.push(...started);
  const lastReady = Math.max(...nodes.map((n) => n.readyAt));
  const done = await until(
    nodes,
    () => nodes.every((n) => n.linked.size >= count - 1),
    `mesh of ${count}`,
    60_000,
  );
  stopAll();
  return Math.max(0, done - lastReady);
}

/** Three members; one is killed or frozen: ms until both others show it lost. */
export async function timeToLost(signal: 'SIGKILL' | 'SIGSTOP'): Promise<number> {
  const a = await startBenchNode('a', []);
  const b = await startBenchNode('b', [a.address]);
  const c = await startBenchNode('c', [a.address, b.address]);
  await until([a, b, c], () => [a, b, c].every((n) => n.linked.size >= 2), 'mesh of 3', 15_000);
  const started = performance.now();
  c.child.kill(signal);
  const ended = await until(
    [a, b],
    () => a.lost.has(c.id) && b.lost.has(c.id),
    `lost after ${signal}`,
    30_000,
  );
  stopAll();
  return ended - started;
}
