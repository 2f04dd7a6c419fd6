import { cpus } from 'node:os';
import type { BenchNode, Summary } from './harness.js';
import { stopAll } from './harness.js';
import { allLinked, connected, linksUp, roomCpuMs, within } from './scale-links.js';
import type { Member } from './scale-members.js';
import { startMember, wait } from './scale-members.js';
import { chatPhase, idlePhase, joinPhase, lostPhase } from './scale-phases.js';

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

/** How the room links: a full mesh (`--links all`), or bounded (the default above 24 members). */
export type Linking = 'full mesh' | 'bounded';

/** The command line of a room's members for each way of linking. */
export const LINKING_ARGS: Readonly<Record<Linking, readonly string[]>> = {
  'full mesh': ['--links', 'all'],
  bounded: [],
};

export interface ScaleResult {
  readonly size: number;
  readonly linking: Linking;
  /** ms from the last `ready` until every member reached every other over the links up. */
  readonly connectedMs?: number | undefined;
  /** … until every member was linked with every other (undefined: not within the bound). */
  readonly fullMeshMs?: number | undefined;
  /** Links up once connected and, if it came, fully linked (bounded: the links open when idle). */
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

/** Members started at once; the next batch starts when all of these are ready and the room so far formed. */
export const START_BATCH = 10;

/** What a room that did not connect in time looked like: links up, members alone, CPU used. */
function whyNot(
  nodes: readonly BenchNode[],
  plan: ScalePlan,
  cpuAtReady: number,
  linking: Linking,
): string {
  const size = nodes.length;
  const alone = nodes.filter((n) => n.linked.size === 0).length;
  const busy = (roomCpuMs(nodes) - cpuAtReady) / plan.connectTimeoutMs / cpus().length;
  const seen =
    linking === 'full mesh'
      ? `${Math.floor(linksUp(nodes))} of ${(size * (size - 1)) / 2} links up`
      : `${nodes.filter((n) => n.linked.size >= size - 1).length} of ${size} members showing every other`;
  return `not connected ${Math.round(plan.connectTimeoutMs / 1000)} s after the last \`ready\`: ${seen}, ${alone} members with none; the members used ${Math.round(100 * busy)} % of the machine's ${cpus().length} cores meanwhile`;
}

/**
 * N members, each given the first one's address; then each phase in turn
 * (see ScalePlan). Bounded, the room is connected when every member shows
 * every other joined (the harness sees links only as `join` events then).
 */
export async function measureRoom(
  size: number,
  plan: ScalePlan,
  linking: Linking,
): Promise<ScaleResult> {
  const args = LINKING_ARGS[linking];
  const formed = linking === 'full mesh' ? connected : allLinked;
  try {
    const started = performance.now();
    const first = await startMember('m0', [], args);
    const rest: Member[] = [];
    // In batches, each once the one before is ready and formed: a room fills over time, not in one instant.
    for (let from = 1; from < size; from += START_BATCH) {
      const batch = Array.from({ length: Math.min(START_BATCH, size - from) }, (_, i) =>
        startMember(`m${from + i}`, [first.node.address], args),
      );
      try {
        rest.push(...(await Promise.all(batch)));
      } catch (error) {
        const running = [first, ...rest].map((m) => m.node);
        const busy = roomCpuMs(running) / (performance.now() - started) / cpus().length;
        return {
          size,
          linking,
          notConnected: `${error instanceof Error ? error.message : String(error)} within 15 s of its start, with ${running.length} members running (${Math.floor(linksUp(running))} links up); they had used ${Math.round(100 * busy)} % of the machine's ${cpus().length} cores since the first started`,
        };
      }
      // And once the room so far formed: people come into a hall over minutes.
      const sofar = [first, ...rest].map((m) => m.node);
      const cpuBefore = roomCpuMs(sofar);
      const formedSoFar =
        rest.length === size - 1 ||
        (await within(sofar, formed(sofar), 'the room so far', 0, plan.connectTimeoutMs)) !==
          undefined;
      if (!formedSoFar) {
        const why = whyNot(sofar, plan, cpuBefore, linking);
        return { size, linking, notConnected: `its first ${sofar.length} members ${why}` };
      }
    }
    const members = [first, ...rest];
    const nodes = members.map((m) => m.node);
    const lastReady = Math.max(...nodes.map((n) => n.readyAt));
    const cpuAtReady = roomCpuMs(nodes);
    const connectedMs = await within(
      nodes,
      formed(nodes),
      `room of ${size} connected`,
      lastReady,
      plan.connectTimeoutMs,
    );
    if (connectedMs === undefined)
      return { size, linking, notConnected: whyNot(nodes, plan, cpuAtReady, linking) };
    const fullMeshMs =
      linking === 'full mesh'
        ? await within(
            nodes,
            allLinked(nodes),
            `room of ${size} fully linked`,
            lastReady,
            plan.connectTimeoutMs,
          )
        : undefined;
    await wait(plan.settleMs);
    const { openLinks, ...idle } = await idlePhase(members, plan);
    const mesh = {
      connectedMs,
      fullMeshMs,
      linksUp: linking === 'full mesh' ? linksUp(nodes) : openLinks,
    };
    const chat = await chatPhase(members, plan);
    const join = await joinPhase(members, plan, chat.messages, { args });
    const lost = await lostPhase([...members, join.joiner], plan);
    return { size, linking, ...mesh, ...idle, ...chat.result, ...join.result, ...lost };
  } finally {
    stopAll();
  }
}
