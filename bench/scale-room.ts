import { cpus } from 'node:os';
import type { BenchNode, Summary } from './harness.js';
import { cpuMsOf, peakRssMbOf, stopAll, summarise, until } from './harness.js';
import type { Member } from './scale-members.js';
import { quantile, roomTallies, startMember, wait } from './scale-members.js';
import { tallyDelta, totalOf } from './scale-tally.js';

/** How long each phase of one room runs, and how long it may take. */
export interface ScalePlan {
  /** From every member linked until the idle window starts. */
  readonly settleMs: number;
  readonly idleMs: number;
  /** How many members speak, and for how long, one line every `everyMs` each. */
  readonly senders: number;
  readonly chatMs: number;
  readonly everyMs: number;
  /** Bounds: a room not connected by then is reported as such; a phase over its bound fails it. */
  readonly connectTimeoutMs: number;
  readonly phaseTimeoutMs: number;
}

export interface Latency {
  readonly p50: number;
  readonly p99: number;
  /** The highest of the members' own p99: the farthest member's. */
  readonly farthestP99: number;
}

export interface ScaleResult {
  readonly size: number;
  /** ms from the last `ready` until every member reached every other over the links up. */
  readonly connectedMs?: number | undefined;
  /** … until every member was linked with every other (undefined: not within the bound). */
  readonly fullMeshMs?: number | undefined;
  /** Links up once connected and, if it came, fully linked. */
  readonly linksUp?: number | undefined;
  /** Why the room was not measured further (it did not connect in time). */
  readonly notConnected?: string;
  readonly idleCpuMsPerSecond?: Summary;
  readonly peakRssMb?: Summary;
  /** Frames and bytes each member wrote per second while idle (pings, pongs, gossip). */
  readonly idleFramesPerSecond?: number | undefined;
  readonly idleBytesPerSecond?: number | undefined;
  readonly messages?: number | undefined;
  /** How many members spoke (the plan's, or fewer in a small room). */
  readonly senders?: number | undefined;
  readonly latencyMs?: Latency;
  /** Deliveries missing and extra (shown twice) over every member and message. */
  readonly missing?: number | undefined;
  readonly duplicates?: number | undefined;
  /** While the room chatted, per message and per member: chat frames and bytes, all frames and bytes. */
  readonly chatFramesPerMessage?: number | undefined;
  readonly chatBytesPerMessage?: number | undefined;
  readonly allFramesPerMessage?: number | undefined;
  readonly allBytesPerMessage?: number | undefined;
  /** Copies of a message written to links, per member that needed it (1 = each read it once). */
  readonly copiesPerMember?: number | undefined;
  /** One more member joining: ms from its `ready` until the room with it is connected, until it is linked with all. */
  readonly joinConnectedMs?: number | undefined;
  readonly joinLinkedMs?: number | undefined;
  /** Frames and bytes the room wrote for the join, replayed chat apart; the replayed frames. */
  readonly joinFrames?: number | undefined;
  readonly joinBytes?: number | undefined;
  readonly joinReplayFrames?: number | undefined;
  /** Messages replayed to the joiner, per message it lacked. */
  readonly joinCopiesPerMessage?: number | undefined;
  /** ms from SIGKILL of one member until each member linked with it showed it lost. */
  readonly lostMs?: number | undefined;
  /** How many members were linked with it, and how many of them showed it lost within the bound. */
  readonly lostLinks?: number | undefined;
  readonly lostShownBy?: number | undefined;
}

/** Members started at once; the next batch starts when all of these are ready. */
export const START_BATCH = 10;

const allLinked = (nodes: readonly BenchNode[]) => (): boolean =>
  nodes.every((n) => n.linked.size >= nodes.length - 1);

/** Every member reaches every other over the links up (one component). */
const connected = (nodes: readonly BenchNode[]) => (): boolean => {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const reached = new Set<string>([nodes[0]?.id ?? '']);
  const queue = [nodes[0]];
  for (let node = queue.shift(); node !== undefined; node = queue.shift())
    for (const id of node.linked)
      if (!reached.has(id) && byId.has(id)) {
        reached.add(id);
        queue.push(byId.get(id));
      }
  return reached.size === nodes.length;
};

const roomCpuMs = (nodes: readonly BenchNode[]): number =>
  nodes.reduce((sum, n) => sum + cpuMsOf(n.child.pid), 0);

/** What a room that did not connect in time looked like: links up, members alone, CPU used. */
function whyNot(nodes: readonly BenchNode[], plan: ScalePlan, cpuAtReady: number): string {
  const size = nodes.length;
  const alone = nodes.filter((n) => n.linked.size === 0).length;
  const busy = (roomCpuMs(nodes) - cpuAtReady) / plan.connectTimeoutMs / cpus().length;
  return `not connected ${Math.round(plan.connectTimeoutMs / 1000)} s after the last \`ready\`: ${Math.floor(linksUp(nodes))} of ${(size * (size - 1)) / 2} links up, ${alone} members with none; the members used ${Math.round(100 * busy)} % of the machine's ${cpus().length} cores meanwhile`;
}

const linksUp = (nodes: readonly BenchNode[]): number =>
  nodes.reduce((sum, n) => sum + n.linked.size, 0) / 2;

/** ms from `since` until `check` holds, or undefined if it does not within `timeoutMs`. */
async function within(
  nodes: readonly BenchNode[],
  check: () => boolean,
  what: string,
  since: number,
  timeoutMs: number,
): Promise<number | undefined> {
  try {
    return Math.max(0, (await until(nodes, check, what, timeoutMs)) - since);
  } catch {
    return undefined;
  }
}

/** N members, each given the first one's address; then each phase in turn (see ScalePlan). */
export async function measureRoom(size: number, plan: ScalePlan): Promise<ScaleResult> {
  try {
    const started = performance.now();
    const first = await startMember('m0', []);
    const rest: Member[] = [];
    // In batches, each once the one before is ready: a room fills over time, not in one instant.
    for (let from = 1; from < size; from += START_BATCH) {
      const batch = Array.from({ length: Math.min(START_BATCH, size - from) }, (_, i) =>
        startMember(`m${from + i}`, [first.node.address]),
      );
      try {
        rest.push(...(await Promise.all(batch)));
      } catch (error) {
        const running = [first, ...rest].map((m) => m.node);
        const busy = roomCpuMs(running) / (performance.now() - started) / cpus().length;
        return {
          size,
          notConnected: `${error instanceof Error ? error.message : String(error)} within 15 s of its start, with ${running.length} members running (${Math.floor(linksUp(running))} links up); they had used ${Math.round(100 * busy)} % of the machine's ${cpus().length} cores since the first started`,
        };
      }
    }
    const members = [first, ...rest];
    const nodes = members.map((m) => m.node);
    const lastReady = Math.max(...nodes.map((n) => n.readyAt));
    const cpuAtReady = roomCpuMs(nodes);
    const connectedMs = await within(
      nodes,
      connected(nodes),
      `room of ${size} connected`,
      lastReady,
      plan.connectTimeoutMs,
    );
    if (connectedMs === undefined) return { size, notConnected: whyNot(nodes, plan, cpuAtReady) };
    const fullMeshMs = await within(
      nodes,
      allLinked(nodes),
      `room of ${size} fully linked`,
      lastReady,
      plan.connectTimeoutMs,
    );
    const mesh = { connectedMs, fullMeshMs, linksUp: linksUp(nodes) };
    await wait(plan.settleMs);
    const idle = await idlePhase(members, plan);
    const chat = await chatPhase(members, plan);
    const join = await joinPhase(members, plan, chat.messages);
    const lost = await lostPhase([...members, join.joiner], plan);
    return { size, ...mesh, ...idle, ...chat.result, ...join.result, ...lost };
  } finally {
    stopAll();
  }
}

/** Nothing said for `idleMs`: each member's CPU, peak RSS and what it wrote per second. */
async function idlePhase(members: readonly Member[], plan: ScalePlan) {
  const nodes = members.map((m) => m.node);
  // One window for both: from the first snapshot's answers to the second's, CPU read at each end.
  const before = await roomTallies(members, plan.phaseTimeoutMs);
  const cpuBefore = nodes.map((n) => cpuMsOf(n.child.pid));
  const started = performance.now();
  await wait(plan.idleMs);
  const after = await roomTallies(members, plan.phaseTimeoutMs);
  const seconds = (performance.now() - started) / 1000;
  const cpu = nodes.map((n, i) => (cpuMsOf(n.child.pid) - (cpuBefore[i] ?? 0)) / seconds);
  const written = totalOf(tallyDelta(after, before));
  return {
    idleCpuMsPerSecond: summarise(cpu),
    peakRssMb: summarise(nodes.map((n) => peakRssMbOf(n.child.pid))),
    idleFramesPerSecond: written.frames / seconds / members.length,
    idleBytesPerSecond: written.bytes / seconds / members.length,
  };
}

/**
 * `senders` members each say a line every `everyMs` for `chatMs`; until every
 * other member showed every line: latency (harness write to harness read),
 * missing and duplicate deliveries, and what the room wrote per message.
 */
async function chatPhase(members: readonly Member[], plan: ScalePlan) {
  const nodes = members.map((m) => m.node);
  const senders = nodes.slice(1, 1 + Math.min(plan.senders, nodes.length - 1));
  const sentAt = new Map<string, number>();
  const shown = nodes.map(() => new Map<string, number>());
  const latencies = nodes.map((): number[] => []);
  nodes.forEach((node, i) => {
    node.onEvent((event, at) => {
      if (event.event !== 'message' || typeof event.text !== 'string') return;
      const sent = sentAt.get(event.text);
      if (sent === undefined) return;
      const seen = shown[i] as Map<string, number>;
      seen.set(event.text, (seen.get(event.text) ?? 0) + 1);
      if (seen.get(event.text) === 1) latencies[i]?.push(at - sent);
    });
  });
  const before = await roomTallies(members, plan.phaseTimeoutMs);
  const rounds = Math.max(1, Math.round(plan.chatMs / plan.everyMs));
  for (let round = 0; round < rounds; round++) {
    senders.forEach((sender, k) => {
      const text = `scale s${k} ${round}`;
      sentAt.set(text, performance.now());
      sender.child.stdin.write(`${text}\n`);
    });
    await wait(plan.everyMs);
  }
  const messages = sentAt.size;
  // Each line is shown by every member but its sender.
  const expected = (i: number): number =>
    senders.includes(nodes[i] as BenchNode) ? messages - rounds : messages;
  const complete = (): boolean => shown.every((seen, i) => seen.size >= expected(i));
  await until(nodes, complete, 'every line shown everywhere', plan.phaseTimeoutMs).catch(() => 0);
  const written = tallyDelta(await roomTallies(members, plan.phaseTimeoutMs), before);
  const all = totalOf(written);
  const chat = written.chat ?? { frames: 0, bytes: 0, messages: 0 };
  let missing = 0;
  let duplicates = 0;
  shown.forEach((seen, i) => {
    missing += expected(i) - seen.size;
    for (const times of seen.values()) duplicates += times - 1;
  });
  const perMember = messages * nodes.length;
  const sortedAll = latencies.flat().sort((a, b) => a - b);
  const farthestP99 = Math.max(
    ...latencies
      .filter((l) => l.length > 0)
      .map((l) =>
        quantile(
          [...l].sort((a, b) => a - b),
          0.99,
        ),
      ),
  );
  return {
    messages,
    result: {
      messages,
      senders: senders.length,
      latencyMs: { p50: quantile(sortedAll, 0.5), p99: quantile(sortedAll, 0.99), farthestP99 },
      missing,
      duplicates,
      chatFramesPerMessage: chat.frames / perMember,
      chatBytesPerMessage: chat.bytes / perMember,
      allFramesPerMessage: all.frames / perMember,
      allBytesPerMessage: all.bytes / perMember,
      copiesPerMember: chat.messages / (messages * (nodes.length - 1)),
    },
  };
}

/**
 * One more member joins through the first: ms from its `ready` until the room
 * with it is connected and until it is linked with all (if within the bound),
 * what the room (the joiner too) wrote for it until then and until it had
 * shown every line said before it came, replays apart, and the lines
 * replayed per line it lacked.
 */
async function joinPhase(members: readonly Member[], plan: ScalePlan, lacked: number) {
  const first = members[0] as Member;
  const before = await roomTallies(members, plan.phaseTimeoutMs);
  const joiner = await startMember(`m${members.length}`, [first.node.address]);
  const room = [...members, joiner];
  const nodes = room.map((m) => m.node);
  let history = 0;
  joiner.node.onEvent((event) => {
    if (event.event === 'message') history += 1;
  });
  const since = joiner.node.readyAt;
  // Both watched from the start, so each is timed when it happened, not when it was looked at.
  const linkedAll = within(
    nodes,
    () => joiner.node.linked.size >= members.length,
    'the joiner linked with all',
    since,
    plan.phaseTimeoutMs,
  );
  const joinConnectedMs = await within(
    nodes,
    connected(nodes),
    'joined',
    since,
    plan.phaseTimeoutMs,
  );
  await until(nodes, () => history >= lacked, 'the joiner caught up', plan.phaseTimeoutMs);
  const joinLinkedMs = await linkedAll;
  const written = tallyDelta(await roomTallies(room, plan.phaseTimeoutMs), before);
  const { replay, ...rest } = written;
  const membership = totalOf(rest);
  return {
    joiner,
    result: {
      joinConnectedMs,
      joinLinkedMs,
      joinFrames: membership.frames,
      joinBytes: membership.bytes,
      joinReplayFrames: replay?.frames ?? 0,
      joinCopiesPerMessage: (replay?.messages ?? 0) / Math.max(1, lacked),
    },
  };
}

/**
 * SIGKILL of one member: ms until every member linked with it showed it lost
 * (a `leave` with reason `lost` after the kill). A member that was not linked
 * with it shows nothing for it: only those linked are waited for.
 */
async function lostPhase(members: readonly Member[], plan: ScalePlan) {
  const victim = (members.at(-2) as Member).node;
  const neighbours = members
    .map((m) => m.node)
    .filter((n) => n !== victim && n.linked.has(victim.id));
  const shown = new Set<BenchNode>();
  const stops = neighbours.map((node) =>
    node.onEvent((event) => {
      if (event.event === 'leave' && event.id === victim.id && event.reason === 'lost')
        shown.add(node);
    }),
  );
  const killedAt = performance.now();
  victim.child.kill('SIGKILL');
  const lostMs = await within(
    neighbours,
    () => shown.size === neighbours.length,
    'the killed member shown lost by its links',
    killedAt,
    plan.phaseTimeoutMs,
  );
  for (const stop of stops) stop();
  return { lostMs, lostLinks: neighbours.length, lostShownBy: shown.size };
}
