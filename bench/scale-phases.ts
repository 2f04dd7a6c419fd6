import type { BenchNode } from './harness.js';
import { cpuMsOf, peakRssMbOf, summarise, until } from './harness.js';
import { percentile } from './latency.js';
import { connected, within } from './scale-links.js';
import type { Member } from './scale-members.js';
import { roomTallies, startMember, wait } from './scale-members.js';
import type { ScalePlan } from './scale-room.js';
import { OPEN_LINKS, tallyDelta, totalOf } from './scale-tally.js';

/** The phases of one room of the scale benchmark, in the order measureRoom runs them. */

/** Nothing said for `idleMs`: each member's CPU, peak RSS and what it wrote per second. */
export async function idlePhase(members: readonly Member[], plan: ScalePlan) {
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
    // Each link is open at both ends.
    openLinks: (after[OPEN_LINKS]?.frames ?? 0) / 2,
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
export async function chatPhase(members: readonly Member[], plan: ScalePlan) {
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
        percentile(
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
      latencyMs: { p50: percentile(sortedAll, 0.5), p99: percentile(sortedAll, 0.99), farthestP99 },
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
export async function joinPhase(
  members: readonly Member[],
  plan: ScalePlan,
  lacked: number,
  room$: { readonly args: readonly string[] },
) {
  const first = members[0] as Member;
  const before = await roomTallies(members, plan.phaseTimeoutMs);
  const joiner = await startMember(`m${members.length}`, [first.node.address], room$.args);
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
export async function lostPhase(members: readonly Member[], plan: ScalePlan) {
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
