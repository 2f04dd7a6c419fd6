import type { Summary } from './harness.js';
import type { ScalePlan, ScaleResult } from './scale-room.js';
import { START_BATCH } from './scale-room.js';

/** The scale section of docs/BENCHMARKS.md. */

const num = (n: number | undefined, digits = 0): string =>
  n === undefined || Number.isNaN(n)
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const range = (s: Summary | undefined, digits = 0): string =>
  s === undefined ? '–' : `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})`;

const seconds = (ms: number): string => num(ms / 1000, ms < 10_000 ? 1 : 0);

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(row)].join('\n');
}

export function scaleSection(
  results: readonly ScaleResult[],
  plan: ScalePlan,
  machine: string,
  minutes: number,
): string {
  const measured = results.filter((r) => r.notConnected === undefined);
  const notes = results
    .filter((r) => r.notConnected !== undefined)
    .map((r) => `- **${r.size} members, ${r.linking}:** ${r.notConnected}.`);
  const room = (r: ScaleResult): string => `${r.size}, ${r.linking}`;
  const formation = table(
    [
      'members, links',
      'connected after the last `ready`',
      'fully linked after it',
      'links up',
      'idle CPU, ms/s per member',
      'peak RSS (VmHWM, since its start), MB per member',
      'idle frames/s per member',
      'idle bytes/s per member',
    ],
    measured.map((r) => [
      room(r),
      `${num(r.connectedMs)} ms`,
      r.linking === 'bounded'
        ? '–'
        : r.fullMeshMs === undefined
          ? `not within ${seconds(plan.connectTimeoutMs)} s`
          : `${num(r.fullMeshMs)} ms`,
      `${num(r.linksUp)} of ${num((r.size * (r.size - 1)) / 2)}`,
      range(r.idleCpuMsPerSecond, 1),
      range(r.peakRssMb, 1),
      num(r.idleFramesPerSecond, 1),
      num(r.idleBytesPerSecond),
    ]),
  );
  const chat = table(
    [
      'members, links',
      'lines (speakers)',
      'latency p50 / p99, ms',
      'farthest member p99, ms',
      'missing / shown twice',
      'chat frames per line per member',
      'chat bytes per line per member',
      'all frames / bytes per line per member',
      'copies per member',
    ],
    measured.map((r) => [
      room(r),
      `${num(r.messages)} (${num(r.senders)})`,
      `${num(r.latencyMs?.p50, 1)} / ${num(r.latencyMs?.p99, 1)}`,
      num(r.latencyMs?.farthestP99, 1),
      `${num(r.missing)} / ${num(r.duplicates)}`,
      num(r.chatFramesPerMessage, 2),
      num(r.chatBytesPerMessage),
      `${num(r.allFramesPerMessage, 2)} / ${num(r.allBytesPerMessage)}`,
      num(r.copiesPerMember, 2),
    ]),
  );
  const churn = table(
    [
      'members, links',
      'a joiner: the room connected with it',
      'linked with all (bounded: shows all)',
      'frames and bytes the room wrote for the join (replays apart)',
      'frames replayed to the joiner',
      'lines replayed per line it lacked',
      'a SIGKILLed member shown lost by every member linked with it (bounded: every member)',
    ],
    measured.map((r) => [
      room(r),
      `${num(r.joinConnectedMs)} ms`,
      r.joinLinkedMs === undefined
        ? `not within ${seconds(plan.phaseTimeoutMs)} s`
        : `${num(r.joinLinkedMs)} ms`,
      `${num(r.joinFrames)} / ${num(r.joinBytes)}`,
      num(r.joinReplayFrames),
      num(r.joinCopiesPerMessage, 1),
      r.lostMs === undefined
        ? `${num(r.lostShownBy)} of its ${num(r.lostLinks)} links within ${seconds(plan.phaseTimeoutMs)} s`
        : `${num(r.lostMs)} ms (its ${num(r.lostLinks)} links)`,
    ]),
  );
  return `## Scale: rooms of ${[...new Set(results.map((r) => r.size))].join(', ')} members

Written by \`npm run bench:scale\` in ${num(minutes, 1)} minutes, one run per room: ${machine}.
Every room runs twice: **bounded**, as rxchat links by default (above 24 members each keeps about
⌈log₂ N⌉ + 2 links and messages go down each origin's tree), and as a **full mesh** (\`--links all\`).
Every member is a real process on 127.0.0.1 with \`--json\`, each given the first one's address,
started ${START_BATCH} at a time, each batch once the one before was ready and the room so far
connected (as below; waited for up to ${seconds(plan.connectTimeoutMs)} s), as a hall fills over minutes. Each member
loads a counter (\`bench/scale-counters.ts\`, never part of rxchat) that counts the frames and bytes
it writes to its links, by frame type, with catch-up replays apart from live chat. In turn: the
room forms (connected: every member reaches every other over the links up, as the harness sees
them in \`join\` and \`leave\` events — bounded, every member shows every other joined, and the
links up are those open at the end of the idle window; fully linked: each with every other,
waited for up to ${seconds(plan.connectTimeoutMs)} s more); ${seconds(plan.settleMs)} s later, ${seconds(plan.idleMs)} s idle; then up to ${plan.senders} members each say a line every
${plan.everyMs} ms for ${seconds(plan.chatMs)} s, until every other member showed every line; then one more member
joins through the first, until the room with it is connected and it has shown every line said
before it came (its link with every member waited for up to ${seconds(plan.phaseTimeoutMs)} s); then one member is
killed (SIGKILL), until every member linked with it showed it \`lost\` (in a full mesh one not
linked with it shows nothing for it; bounded, every member shows it). Latency is from the harness's write to the sender's stdin to its read of
the line on a member's stdout, over every member and line. Per line per member: what the whole
room wrote while it chatted (pings and gossip too in "all"), divided by lines × members. Copies
per member: live chat messages written to links per line and member that needed it (1.00 = each
read it once). Frames for the join: what every member (the joiner too) wrote from its start until
it was linked with all (or the wait ended) and had caught up.${notes.length > 0 ? `\n\n${notes.join('\n')}` : ''}

${formation}

${chat}

${churn}
`;
}
