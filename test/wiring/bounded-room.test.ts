import { describe, expect, it } from 'vitest';
import type { Crossing } from '../helpers/bounded-room.js';
import { boundedRoom, isConnected, linkedNames, shownTexts } from '../helpers/bounded-room.js';
import type { MemoryNode } from '../helpers/memory-net.js';
import { memberConfig } from '../helpers/memory-net.js';

/**
 * A room of 12 members that each keep 3 links (`--links 3`), in memory with
 * the fake drivers: one overlay, every member known to every other, each
 * message down its origin's tree (once per link), joins that cost O(N)
 * frames, and a room that closes up again after two crashes.
 */

const FORMED_AT = 5000;
const PEER_TIMEOUT_MS = 3000;

const joinsOf = (node: MemoryNode) => node.events.filter((e) => e.event === 'join').length;
const leavesOf = (node: MemoryNode) =>
  node.events.flatMap((e) => (e.event === 'leave' ? [`${e.user}:${e.reason}`] : []));

/** Copies of each message that crossed each link (either way), from `since` on. */
function copiesPerLink(crossings: readonly Crossing[], since: number): Map<string, number> {
  const copies = new Map<string, number>();
  for (const { from, to, at, frame } of crossings) {
    if (at < since || frame.type !== 'chat') continue;
    const pair = [from, to].sort().join('-');
    for (let i = 0; i < frame.texts.length; i++) {
      const key = `${pair} ${frame.origin}:${frame.seq + i}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
  }
  return copies;
}

describe('a room of 12 with --links 3, in memory with the fake drivers', () => {
  it('forms one overlay of 3 or 4 links a node, and each node shows the 11 others joined', () => {
    let links: number[] = [];
    let connected = false;
    const { members } = boundedRoom(12, 3, ({ ts, members }) => {
      ts.schedule(() => {
        links = members.map((member) => linkedNames(member).length);
        connected = isConnected(members);
      }, FORMED_AT);
      ts.schedule(() => {
        for (const member of members) member.endInput();
      }, FORMED_AT + 500);
    });
    expect(connected).toBe(true);
    for (const count of links) expect(count).toBeGreaterThanOrEqual(3);
    for (const count of links) expect(count).toBeLessThanOrEqual(4);
    // Fewer links than members: most of the room is known through the others' views.
    expect(links.reduce((a, b) => a + b, 0) / 2).toBeLessThan((12 * 11) / 2 / 2);
    for (const member of members) {
      expect(joinsOf(member), member.name).toBe(11);
      expect(
        leavesOf(member).filter((leave) => leave.endsWith(':lost')),
        member.name,
      ).toEqual([]);
    }
  });

  it('each message crosses each link at most once, and is shown once everywhere, replies after what they answer', () => {
    const question = 'who is here?';
    const { members, crossings } = boundedRoom(12, 3, ({ ts, net, members }) => {
      // Links some members dial are slow: a path of more hops can be the faster.
      for (const port of [9004, 9007, 9010]) net.slowDials(`127.0.0.1:${port}`, 30);
      // Three rounds of a line from every member at once, then a question every member answers
      // as soon as it shows it: a reply can reach a far member before the question does.
      for (let round = 0; round < 3; round++)
        ts.schedule(
          () => {
            for (const member of members) member.type(`round ${round} from ${member.name}`);
          },
          FORMED_AT + round * 500,
        );
      const asked = FORMED_AT + 1500;
      ts.schedule(() => members[0]?.type(question), asked);
      const answered = new Set<MemoryNode>();
      for (let t = asked; t < asked + 100; t++)
        ts.schedule(() => {
          for (const member of members.slice(1))
            if (!answered.has(member) && shownTexts(member).includes(question)) {
              answered.add(member);
              member.type(`${member.name} is here`);
            }
        }, t);
      ts.schedule(() => {
        for (const member of members) member.endInput();
      }, FORMED_AT + 3000);
    });
    const copies = copiesPerLink(crossings, FORMED_AT);
    expect(copies.size).toBeGreaterThan(0);
    expect(Math.max(...copies.values())).toBe(1);
    // Down a tree: 11 crossings for each of the 48 messages, no more.
    expect(copies.size).toBe(48 * 11);
    for (const member of members) {
      const shown = shownTexts(member);
      const others = members.filter((other) => other !== member);
      const expected = [
        ...[0, 1, 2].flatMap((round) => others.map((o) => `round ${round} from ${o.name}`)),
        ...(member === members[0] ? [] : [question]),
        ...others.slice(member === members[0] ? 0 : 1).map((o) => `${o.name} is here`),
      ];
      expect([...shown].sort(), member.name).toEqual(expected.sort());
      const asked = shown.indexOf(question);
      for (const [i, text] of shown.entries())
        if (text.endsWith(' is here')) expect(i, `${member.name}: ${text}`).toBeGreaterThan(asked);
    }
    // Somewhere a reply arrived before the question did, and was held for it.
    const firstArrival = (to: string, text: (t: string) => boolean) =>
      crossings.find((c) => c.to === to && c.frame.type === 'chat' && c.frame.texts.some(text))?.at;
    const early = members.some((member) => {
      const q = firstArrival(member.name, (t) => t === question);
      const r = firstArrival(member.name, (t) => t.endsWith(' is here'));
      return q !== undefined && r !== undefined && r < q;
    });
    expect(early).toBe(true);
  });

  it('a join costs O(N) frames: at most 25 per member present, in rooms of 6, 12 and 24', () => {
    const perMember = [6, 12, 24].map((count) => {
      const { crossings } = boundedRoom(count, 3, ({ ts, net, members }) => {
        // Once the room is quiet, one more joins through the second member.
        ts.schedule(() => {
          const late = memberConfig('fe00000000000000', 'late', ['127.0.0.1:9002'], { links: 3 });
          members.push(net.start('late', late));
        }, 8000);
        ts.schedule(() => {
          for (const member of members) member.endInput();
        }, 12_000);
      });
      const gossip = (c: Crossing) => c.frame.type !== 'ping' && c.frame.type !== 'pong';
      // Quiet before: nothing but pings; the join's frames are all the rest, until it settled.
      expect(crossings.filter((c) => c.at >= 6000 && c.at < 8000 && gossip(c))).toEqual([]);
      const frames = crossings.filter((c) => c.at >= 8000 && c.at < 11_000 && gossip(c));
      expect(crossings.filter((c) => c.at >= 10_000 && c.at < 11_000 && gossip(c))).toEqual([]);
      return frames.length / (count + 1);
    });
    for (const cost of perMember) expect(cost).toBeLessThanOrEqual(25);
    // It grows with N, not N²: per member, the cost of a join stays about the same.
    const [small = 0, , large = 0] = perMember;
    expect(large).toBeLessThan(small * 1.5);
  });

  it('after two crashes the overlay closes up, and both are shown lost everywhere, within the peer timeout + 1 s', () => {
    const crashAt = 6000;
    const deadline = crashAt + PEER_TIMEOUT_MS + 1000;
    let connected = false;
    let links: number[] = [];
    let leaves: string[][] = [];
    const { members } = boundedRoom(12, 3, ({ ts, members }) => {
      ts.schedule(() => {
        members[3]?.crash();
        members[7]?.crash();
      }, crashAt);
      ts.schedule(() => {
        const alive = members.filter((_, i) => i !== 3 && i !== 7);
        connected = isConnected(alive);
        links = alive.map((member) => linkedNames(member).length);
        leaves = alive.map(leavesOf);
      }, deadline);
      ts.schedule(() => {
        for (const member of members) member.endInput();
      }, deadline + 500);
    });
    expect(members).toHaveLength(12);
    expect(connected).toBe(true);
    for (const count of links) expect(count).toBeGreaterThanOrEqual(2);
    for (const seen of leaves) expect([...seen].sort()).toEqual(['m3:lost', 'm7:lost']);
  });

  it('a leaving member exits 0 when every member delivered its line, linked with it or not', () => {
    let linkedWith = 0;
    const { members } = boundedRoom(12, 3, ({ ts, members }) => {
      ts.schedule(() => {
        linkedWith = linkedNames(members[5] as MemoryNode).length;
        members[5]?.type('goodbye all');
        members[5]?.endInput();
      }, FORMED_AT);
      ts.schedule(() => {
        for (const member of members) member.endInput();
      }, FORMED_AT + 8000);
    });
    expect(linkedWith).toBeLessThan(11);
    expect(members[5]?.exitCode).toBe(0);
    for (const member of members)
      if (member !== members[5]) expect(shownTexts(member), member.name).toContain('goodbye all');
  });

  it('… and exits 3 when a member it is not linked with went before delivering it', () => {
    let far: MemoryNode | undefined;
    const { members } = boundedRoom(12, 3, ({ ts, members }) => {
      ts.schedule(() => {
        const leaver = members[5] as MemoryNode;
        const near = new Set(linkedNames(leaver));
        far = members.find((member) => member !== leaver && !near.has(member.name));
        leaver.type('goodbye all');
        leaver.endInput();
      }, FORMED_AT);
      // Before the line can reach it (it is two links away or more): like kill -9.
      ts.schedule(() => far?.crash(), FORMED_AT + 1);
      ts.schedule(() => {
        for (const member of members) member.endInput();
      }, FORMED_AT + 8000);
    });
    expect(far).toBeDefined();
    expect(shownTexts(far as MemoryNode)).not.toContain('goodbye all');
    expect(members[5]?.exitCode).toBe(3);
    expect(members[5]?.warnings.join('\n')).toContain(far?.name);
  });

  it('a joiner reads at most 1.2× the messages it lacks, and shows each of them once', () => {
    let joiner: MemoryNode | undefined;
    const { members } = boundedRoom(12, 3, ({ ts, net, members }) => {
      // 20 lines from each member once the room formed: 240 lines of history.
      for (let k = 0; k < 20; k++)
        ts.schedule(
          () => {
            for (const member of members) member.type(`${member.name} line ${k}`);
          },
          FORMED_AT + k * 50,
        );
      ts.schedule(() => {
        // It names three members: three links come up at once, and only one catches it up.
        const named = ['127.0.0.1:9002', '127.0.0.1:9005', '127.0.0.1:9008'];
        joiner = net.start(
          'joiner',
          memberConfig('fe00000000000000', 'joiner', named, { links: 3 }),
        );
      }, FORMED_AT + 3000);
      ts.schedule(() => {
        for (const member of [...members, joiner]) member?.endInput();
      }, FORMED_AT + 9000);
    });
    expect(members).toHaveLength(12);
    if (joiner === undefined) throw new Error('no joiner');
    const shown = shownTexts(joiner);
    expect(shown).toHaveLength(240);
    expect(new Set(shown).size).toBe(240);
    expect(joiner.chatIn).toBeLessThanOrEqual(1.2 * 240);
  });

  it('a copy lost on a link of the tree is told of by an ihave and fetched with a graft, shown once', () => {
    const lostLine = 'this copy is lost once';
    let lost: { from: string; to: string } | undefined;
    const { members, crossings } = boundedRoom(12, 3, ({ ts, net, members }) => {
      // The first copy of the line down the tree, on whichever link it takes first, never arrives.
      net.lose = (from, to, frame) => {
        if (lost !== undefined || frame.type !== 'chat' || !frame.texts.includes(lostLine))
          return false;
        if (from.name === 'm4') return false;
        lost = { from: from.name, to: to.name };
        return true;
      };
      ts.schedule(() => members[4]?.type(lostLine), FORMED_AT);
      ts.schedule(() => {
        for (const member of members) member.endInput();
      }, FORMED_AT + 3000);
    });
    expect(lost).toBeDefined();
    for (const member of members.filter((_, i) => i !== 4))
      expect(
        shownTexts(member).filter((t) => t === lostLine),
        member.name,
      ).toHaveLength(1);
    const grafts = crossings.filter((c) => c.frame.type === 'graft' && c.at >= FORMED_AT);
    expect(grafts.map((c) => c.from)).toContain(lost?.to);
  });

  it('a member that passes nothing on stops no line: the others get each one once, around it', () => {
    let dropped = 0;
    const shownBy = new Map<MemoryNode, string[]>();
    const { members } = boundedRoom(12, 3, ({ ts, net, members }) => {
      // m6 lies by silence: every chat frame it should pass on down a tree is lost.
      net.lose = (from, _to, frame) => {
        const drop = from.name === 'm6' && frame.type === 'chat';
        if (drop) dropped += 1;
        return drop;
      };
      for (let round = 0; round < 3; round++)
        ts.schedule(
          () => {
            for (const member of members)
              if (member.name !== 'm6') member.type(`${member.name} r${round}`);
          },
          FORMED_AT + round * 400,
        );
      // What each showed within a second of the last round, before anyone leaves.
      ts.schedule(() => {
        for (const member of members) shownBy.set(member, shownTexts(member));
      }, FORMED_AT + 1800);
      ts.schedule(() => {
        for (const member of members) member.endInput();
      }, FORMED_AT + 4000);
    });
    // It had lines to pass on: the test is not empty.
    expect(dropped).toBeGreaterThan(0);
    const honest = members.filter((member) => member.name !== 'm6');
    for (const member of honest) {
      const expected = honest
        .filter((other) => other !== member)
        .flatMap((other) => [0, 1, 2].map((round) => `${other.name} r${round}`));
      expect([...(shownBy.get(member) ?? [])].sort(), member.name).toEqual(expected.sort());
    }
  });
});
