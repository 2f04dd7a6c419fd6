import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/core/effect.js';
import type { NodeEvent } from '../../src/core/event.js';
import { MAX_RETIRED } from '../../src/core/forget.js';
import { sendHave } from '../../src/core/gossip.js';
import { signChat } from '../../src/core/signing.js';
import type { NodeState } from '../../src/core/state.js';
import { initialState } from '../../src/core/state.js';
import { step } from '../../src/core/step.js';
import { freshIdentity } from '../../src/io/identity.js';
import type { ChatFrame, Frame } from '../../src/protocol/frames.js';
import { frameJson } from '../../src/protocol/json-text.js';
import {
  chatFrom,
  frameEvent,
  handshake,
  hello,
  linkUp,
  signedChat,
  testConfig,
} from '../helpers/core-fixtures.js';

/**
 * A room's metadata follows who is present, never its history: 5,000
 * incarnations churn through an 8-member room (restarts with and without a
 * goodbye, strangers' fresh keys, `have` frames with invented floors), and
 * an honest member's frames stay as small as in a fresh room.
 */

const HONEST = Array.from({ length: 7 }, (_, k) => `c${k}`.padEnd(16, '0'));
const hex = (n: number): string => n.toString(16).padStart(15, '0');
const LINE = `line 000001 ${'x'.repeat(48)}`;

/** Runs events through `step`, keeping the state and the frames this node sent. */
class Room {
  state: NodeState = initialState(testConfig({ peerTimeoutMs: 1e12, gapWaitMs: 5000 }));
  sent: Frame[] = [];
  at = 0;
  private nextLink = 1;
  readonly linkOf = new Map<string, number>();

  run(...events: NodeEvent[]): void {
    for (const event of events) {
      const { state, effects } = step(this.state, event);
      this.state = state;
      for (const effect of effects) if (effect.kind === 'send') this.sent.push(effect.frame);
    }
  }

  /** `id` links (again) in incarnation `inc` and says one line from it. */
  join(id: string, inc: string): void {
    const link = this.nextLink++;
    this.linkOf.set(id, link);
    this.at += 1;
    this.run(
      linkUp(link, this.at),
      ...handshake(link, hello(id, id.slice(0, 4), 9100, { inc }), this.at),
      frameEvent(link, chatFrom(id, id.slice(0, 4), [`hi from ${inc}`], { inc }), this.at),
    );
  }

  /** `id`'s link goes away, after a goodbye or not. */
  leave(id: string, goodbye: boolean): void {
    const link = this.linkOf.get(id) ?? 0;
    this.at += 1;
    if (goodbye) this.run(frameEvent(link, { type: 'bye', reason: 'quit' }, this.at));
    this.run({ kind: 'linkDown', at: this.at, link, reason: 'reset' });
  }

  tick(): void {
    this.at += 1;
    this.run({ kind: 'tick', at: this.at });
  }

  type(line: string): ChatFrame[] {
    const before = this.sent.length;
    this.at += 1;
    this.run({ kind: 'input', at: this.at, lines: [line] });
    return this.sent.slice(before).filter((f): f is ChatFrame => f.type === 'chat');
  }

  /** The bytes of `frame` on the wire, signed with a real Ed25519 key (the fake one is shorter). */
  static wireBytes(frame: ChatFrame): number {
    const identity = freshIdentity();
    const { key: _key, sig: _sig, ...unsigned } = frame;
    return Buffer.byteLength(
      `${frameJson(signChat(identity, { ...unsigned, origin: identity.id }))}\n`,
    );
  }

  haveBytes(): number {
    const out: Effect[] = [];
    sendHave(this.state, this.linkOf.get(HONEST[0] ?? '') ?? 0, out);
    const frame = out[0]?.kind === 'send' ? out[0].frame : undefined;
    return Buffer.byteLength(`${frameJson(frame ?? { type: 'links', peers: [] })}\n`);
  }
}

/** One of the 5,000: a restart (with or without bye), a stranger's key, or an invented `have`. */
function churn(room: Room, i: number): void {
  const member = HONEST[i % HONEST.length] ?? '';
  const relay = room.linkOf.get(HONEST[0] ?? '') ?? 0;
  switch (i % 5) {
    case 0:
    case 1:
      if (member === HONEST[0]) break;
      room.leave(member, i % 5 === 1);
      room.join(member, `r${i}`);
      return;
    case 2:
    case 3:
      break;
    default: {
      const invented: Record<string, number> = {};
      for (let k = 0; k < 30; k++) invented[`${hex(i)}f.${k}`] = 1_000_000 + k;
      room.run(frameEvent(relay, { type: 'have', vector: invented, floor: invented }, room.at));
      return;
    }
  }
  // A stranger's fresh key, relayed by a member: valid, signed, from no member at all.
  const stranger = `f${hex(i)}`;
  room.run(frameEvent(relay, chatFrom(stranger, 'stranger', ['boo'], { inc: `s${i}` }), room.at));
}

describe('metadata that stays small', () => {
  it('5,000 incarnations churn through an 8-member room: frames and have stay small, records bounded', () => {
    const room = new Room();
    for (const id of HONEST) room.join(id, 'a');
    const fresh = room.type(LINE);
    const freshBytes = Room.wireBytes(fresh[0] as ChatFrame);
    const freshHave = room.haveBytes();
    let incarnations = 0;
    let largest = 0;
    for (let i = 0; incarnations < 5000; i++) {
      churn(room, i);
      incarnations += i % 5 === 4 ? 0 : 1;
      if (i % 25 === 0) room.tick();
      if (i % 250 === 0)
        for (const frame of room.type(`${LINE} ${i}`))
          largest = Math.max(largest, Room.wireBytes(frame));
    }
    room.tick();
    // Everyone present speaks once more, so that every present entry changed.
    for (const id of HONEST) {
      const link = room.linkOf.get(id) ?? 0;
      const member = room.state.members.get(id);
      const frame = signedChat({
        type: 'chat',
        origin: id,
        inc: member?.inc ?? '',
        name: id.slice(0, 4),
        seq: 2,
        deps: {},
        time: 't',
        texts: ['again'],
      });
      room.run(frameEvent(link, frame, room.at));
    }
    const [last] = room.type(LINE);
    const lastBytes = Room.wireBytes(last as ChatFrame);
    expect([...room.state.members.values()].filter((m) => m.state === 'linked')).toHaveLength(7);
    expect(Object.keys(last?.deps ?? {})).toHaveLength(7);
    expect(lastBytes).toBeLessThan(2048);
    expect(largest).toBeLessThan(2048);
    expect(room.haveBytes()).toBeLessThan(4096);
    expect(room.state.chat.delivery.retired.size).toBeLessThanOrEqual(MAX_RETIRED);
    expect(room.state.chat.delivery.vector.size).toBeLessThanOrEqual(8);
    // As small as in the fresh room (the same fields; seqs and incarnations a few digits longer).
    expect(lastBytes).toBeLessThan(freshBytes + 200);
    expect(room.haveBytes()).toBeLessThan(freshHave + 400);
  });
});
