import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  scryptSync,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveSecret } from '../../src/cli/room-secret.js';
import { announcementText, goodbyeText, isAuthentic } from '../../src/core/announcement.js';
import { exceedsFrame } from '../../src/core/burst.js';
import { parseCommand } from '../../src/core/command.js';
import { defaultTimings } from '../../src/core/config.js';
import { askText, seenText } from '../../src/core/confirm.js';
import type { Effect } from '../../src/core/effect.js';
import type { LinkId, NodeEvent } from '../../src/core/event.js';
import {
  chatSigningText,
  directHeaderText,
  directKeyInfo,
  helloSeen,
  helloText,
  proofText,
  verifyChat,
  verifyDirect,
} from '../../src/core/signing.js';
import { viewText } from '../../src/core/views.js';
import type { Warning } from '../../src/core/warning.js';
import type { Admission } from '../../src/io/admit.js';
import { admit } from '../../src/io/admit.js';
import { directBoxOf } from '../../src/io/direct-box.js';
import { freshIdentity, identityFrom, idOfKey } from '../../src/io/identity.js';
import { defaultLimits } from '../../src/io/net-driver.js';
import { ROOM_KEY_COST, ROOM_KEY_SALT, roomKey } from '../../src/io/room-key.js';
import type {
  AskFrame,
  ChatFrame,
  DirectFrame,
  Goodbye,
  HelloFrame,
  MemberInfo,
  Seen,
  View,
} from '../../src/protocol/frames.js';
import { MAX_FRAME_BYTES } from '../../src/protocol/frames.js';
import { sealedContent } from '../../src/protocol/validate-messages.js';
import { formatHuman } from '../../src/render/format-human.js';
import { warningText } from '../../src/render/warning-text.js';
import {
  fakeIdentity,
  fold,
  frameEvent,
  HIGHER,
  handshake,
  hello,
  joined,
  LOWER,
  linkUp,
  memberEntry,
  proof,
  SELF,
} from '../helpers/core-fixtures.js';
import { docBlocks, docExamples, docText } from '../helpers/doc-examples.js';

/**
 * The rules of docs/PROTOCOL.md and docs/SECURITY.md that are not field
 * checks (those are in test/e2e/docs.test.ts): its test vectors, refusals,
 * the order of frames after the handshake, one link per pair, what a node
 * sends, and how a room secret becomes a key.
 */

const protocol = docText('PROTOCOL.md');
const security = docText('SECURITY.md');
const examples = docExamples('PROTOCOL.md');

/** The first backquoted value after `label` in a doc. */
function quotedAfter(doc: string, label: string): string {
  const at = doc.indexOf(label);
  const match = /`([^`]+)`/.exec(doc.slice(at + label.length));
  if (at === -1 || match === null) throw new Error(`no \`…\` after "${label}"`);
  return match[1] ?? '';
}

describe('PROTOCOL.md test vectors', () => {
  const seed = quotedAfter(protocol, 'made from the 32-byte seed');
  const raw = Buffer.from(seed, 'hex');
  // PKCS#8 of an Ed25519 private key: a fixed prefix, then the 32-byte seed.
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw]);
  const alice = identityFrom(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));

  it('the seed gives the key and the id the examples use', () => {
    expect(raw).toHaveLength(32);
    expect(quotedAfter(protocol, 'Its raw public key, base64, is')).toBe(alice.key);
    expect(quotedAfter(protocol, 'SHA-256 of those 32 bytes begins')).toBe(alice.id);
    const signed = examples.filter((e) => 'key' in e);
    expect(signed.length).toBeGreaterThanOrEqual(5);
    for (const example of signed) {
      expect(example.key, String(example.type)).toBe(alice.key);
      const id = example.type === 'hello' ? example.id : example.origin;
      expect(idOfKey(String(example.key))).toBe(id);
    }
  });

  it('the announcements (hello, members) and the goodbyes (bye, links) are alice’s own', () => {
    const hello = examples.find((e) => e.type === 'hello') as unknown as HelloFrame;
    expect(isAuthentic(alice, hello)).toBe(true);
    const [text] = docBlocks('PROTOCOL.md', 'text').filter((b) =>
      b.startsWith('rxchat-member-v3\n'),
    );
    expect(announcementText(hello)).toBe((text ?? '').replace(/\n$/, ''));
    const entries = examples.flatMap((e) =>
      e.type === 'members' ? (e.members as unknown as MemberInfo[]) : [],
    );
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(isAuthentic(alice, entry)).toBe(true);
    const byes = examples.filter((e) => e.type === 'bye' && e.sig !== undefined);
    const passed = examples.flatMap((e) =>
      e.type === 'links' && Array.isArray(e.quit) ? (e.quit as Goodbye[]) : [],
    );
    expect(byes.length + passed.length).toBeGreaterThanOrEqual(2);
    const goodbye = goodbyeText(hello.id, hello.inc);
    for (const bye of [...byes, ...passed])
      expect(alice.verify(alice.key, goodbye, String(bye.sig))).toBe(true);
  });

  it('the signed links and the views passed on are alice’s own, in the text shown', () => {
    const hello = examples.find((e) => e.type === 'hello') as unknown as HelloFrame;
    const signed = examples.filter((e) => e.type === 'links' && e.sig !== undefined);
    const views = examples.flatMap((e) =>
      e.type === 'views' ? (e.views as unknown as View[]) : [],
    );
    expect(signed.length).toBeGreaterThan(0);
    expect(views.length).toBeGreaterThan(0);
    for (const links of signed) {
      const text = viewText(hello.id, hello.inc, Number(links.n), links.peers as string[]);
      expect(alice.verify(alice.key, text, String(links.sig))).toBe(true);
    }
    for (const view of views)
      expect(
        alice.verify(alice.key, viewText(view.id, view.inc, view.n, view.peers), view.sig),
      ).toBe(true);
    const [text] = docBlocks('PROTOCOL.md', 'text').filter((b) =>
      b.startsWith('rxchat-links-v1\n'),
    );
    const first = signed[0];
    expect(viewText(hello.id, hello.inc, Number(first?.n), first?.peers as string[])).toBe(
      (text ?? '').replace(/\n$/, ''),
    );
  });

  it('the ask and the confirmation passed back are signed by alice, as the page says', () => {
    const ask = examples.find((e) => e.type === 'ask') as unknown as AskFrame;
    const seen = examples.flatMap((e) => (e.type === 'seen' ? (e.seen as unknown as Seen[]) : []));
    expect(ask.origin).toBe(alice.id);
    const askSigned = askText(ask.origin, ask.inc, ask.seq, ask.round);
    expect(alice.verify(alice.key, askSigned, ask.sig)).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    for (const entry of seen) {
      expect(entry.id).toBe(alice.id);
      const text = seenText(entry.id, entry.inc, entry.of, entry.seq);
      expect(alice.verify(alice.key, text, entry.sig)).toBe(true);
    }
  });

  it('every chat and dm example is signed by its origin', () => {
    const verifier = freshIdentity();
    const chats = examples.filter((e) => e.type === 'chat') as unknown as ChatFrame[];
    const dms = examples.filter((e) => e.type === 'dm') as unknown as DirectFrame[];
    expect(chats.length).toBeGreaterThanOrEqual(3);
    for (const chat of chats) expect(verifyChat(verifier, chat), `chat ${chat.seq}`).toBe(true);
    for (const dm of dms) expect(verifyDirect(verifier, dm), `dm ${dm.n}`).toBe(true);
  });

  it('the dm example opens with bob’s X25519 key to the content shown, under the key given', () => {
    const dm = examples.find((e) => e.type === 'dm') as unknown as DirectFrame;
    const x25519 = (label: string) =>
      createPrivateKey({
        key: Buffer.from(`302e020100300506032b656e04220420${quotedAfter(protocol, label)}`, 'hex'),
        format: 'der',
        type: 'pkcs8',
      });
    const aliceBox = directBoxOf(x25519("alice's X25519 private key"));
    const bobBox = directBoxOf(x25519("bob's X25519 private key"));
    const aliceHello = examples.find((e) => e.type === 'hello');
    expect(dm.dh).toBe(aliceBox.dh);
    expect(aliceHello?.dh).toBe(aliceBox.dh);
    const info = directKeyInfo(`${dm.origin}.${dm.inc}`, `${dm.to}.${dm.toInc}`);
    const opened = bobBox.open(dm.dh, info, dm.n, directHeaderText(dm), dm.box) ?? '';
    const contentRow = protocol.split('\n').find((line) => line.startsWith('| message '));
    expect(contentRow).toContain(`\`${opened}\``);
    expect(sealedContent(opened)).toMatchObject({ kind: 'message', name: 'alice', text: 'psst' });
    // The key given: HKDF-SHA256 over X25519, empty salt, the info of the two streams.
    const shared = diffieHellman({
      privateKey: x25519("bob's X25519 private key"),
      publicKey: createPublicKey(x25519("alice's X25519 private key")),
    });
    const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), info, 32)).toString('hex');
    expect(quotedAfter(protocol, 'give the message key')).toBe(key);
    // And the one below, its receipt, is of the other kind.
    expect(sealedContent('{"delivered":1}')).toEqual({ kind: 'receipt', delivered: 1 });
  });

  it('the delivery lines and the unopened-box warning are worded as the page has them', () => {
    const bob = { to: '3fa2c0d9e8b71a64', user: 'bob', id: 'x.1:d1' };
    const delivered = formatHuman({ event: 'dm-delivered', ...bob }, undefined, 0);
    const late = { event: 'dm-undelivered', ...bob, waitedMs: defaultTimings.lingerMs } as const;
    const unopened = warningText({
      code: 'unreadableDirect',
      from: { name: 'alice', id: '56475aa75463474c', tagged: false },
    });
    const bobLink = { name: 'bob', id: '3fa2c0d9e8b71a64', tagged: false };
    const stranger = (reason: 'left' | 'keys' | 'unannounced' | 'crowded') =>
      warningText({
        code: 'strangerDirect',
        stream: '56475aa75463474c.5e21a0c3',
        reason,
        via: bobLink,
      });
    const flat = protocol.replace(/\n/g, ' ');
    for (const line of [
      delivered,
      formatHuman(late, undefined, 0),
      unopened,
      stranger('unannounced'),
      warningText({
        code: 'staleDirect',
        from: { name: 'alice', id: '56475aa75463474c', tagged: false },
        behind: 1100,
      }),
    ])
      expect(flat).toContain(`\`${line}\``);
    // The other reasons, as the page words them after the first.
    for (const reason of ['left', 'keys', 'crowded'] as const)
      expect(flat).toContain(`\`${stranger(reason).split('came from bob: ')[1]}\``);
  });

  it('the proof example signs the nonce, the ids and the hellos it names, in the texts shown', () => {
    const example = examples.find((e) => e.type === 'proof');
    const aliceHello = examples.find((e) => e.type === 'hello') as unknown as HelloFrame;
    const shown = (start: string): string =>
      (docBlocks('PROTOCOL.md', 'text').find((b) => b.startsWith(start)) ?? '').replace(/\n$/, '');
    expect(helloText(aliceHello)).toBe(shown('rxchat-hello-v3\n'));
    const own = helloSeen(alice, aliceHello);
    expect(quotedAfter(protocol, 'which hashes to')).toBe(own.digest);
    const bob = {
      id: quotedAfter(protocol, 'sends to bob (id'),
      nonce: quotedAfter(protocol, 'carried the nonce'),
      digest: quotedAfter(protocol, 'whose hello text (below) hashes to'),
    };
    const text = proofText(own, bob);
    expect(text).toBe(shown('rxchat-proof-v3\n'));
    expect(freshIdentity().verify(alice.key, text, String(example?.sig))).toBe(true);
  });

  it('the worked example signs exactly the text shown, whose digest is given', () => {
    const [text] = docBlocks('PROTOCOL.md', 'text').filter((b) => b.startsWith('rxchat-chat-v2\n'));
    const shown = (text ?? '').replace(/\n$/, '');
    const lines = shown.split('\n');
    const chat = examples.find(
      (e) => e.type === 'chat' && e.origin === lines[1] && String(e.seq) === lines[4],
    ) as ChatFrame | undefined;
    expect(chat).toBeDefined();
    if (chat === undefined) return;
    expect(chatSigningText(chat)).toBe(shown);
    // The escapes the table gives: a lone surrogate and a control character in lowercase hex.
    expect(lines[8]).toContain('\\ud83d');
    expect(lines[8]).toContain('\\u001b');
    const digest = createHash('sha256').update(shown, 'utf8').digest('hex');
    expect(quotedAfter(protocol, 'whose SHA-256 is')).toBe(digest);
  });
});

/** The warnings and frames of one link's refusal. */
function refusal(events: readonly NodeEvent[]): {
  warnings: string[];
  sent: Effect[];
  closes: Effect[];
} {
  const { effects } = fold(events);
  return {
    warnings: effects.flatMap((e) => (e.kind === 'warn' ? [warningText(e.warning)] : [])),
    sent: effects.filter((e) => e.kind === 'send' && e.frame.type !== 'hello'),
    closes: effects.filter((e) => e.kind === 'close'),
  };
}

describe('PROTOCOL.md refusals', () => {
  const remote = '10.0.0.2:51234';
  const up = linkUp(1, 0, { remote });
  const inTable = (text: string) => expect(protocol, text).toContain(`\`${text}\``);

  it('another version: bye incompatible with its detail, the connection ended, one warning', () => {
    const { warnings, sent, closes } = refusal([
      up,
      frameEvent(1, hello(LOWER, 'bob', 9100, { v: 3 })),
    ]);
    const bye = examples.find((e) => e.type === 'bye' && e.reason === 'incompatible');
    expect(sent).toEqual([{ kind: 'send', links: [1], frame: bye }]);
    expect(closes).toEqual([{ kind: 'close', link: 1, graceful: true }]);
    expect(warnings).toHaveLength(1);
    inTable(warnings[0] ?? '');
  });

  it('a bad key, a forged announcement, a bad proof, a proof first: ended without a frame', () => {
    const cases: NodeEvent[][] = [
      [up, frameEvent(1, hello(LOWER, 'bob', 9100, { key: 'key-someone-else' }))],
      [up, frameEvent(1, hello(LOWER, 'bob', 9100, { sig: 'forged' }))],
      [up, frameEvent(1, hello(LOWER, 'bob')), frameEvent(1, { type: 'proof', sig: 'forged' })],
      [up, frameEvent(1, proof(1, hello(LOWER, 'bob')))],
    ];
    for (const events of cases) {
      const { warnings, sent, closes } = refusal(events);
      expect(sent.filter((e) => e.kind === 'send' && e.frame.type !== 'proof')).toEqual([]);
      expect(closes).toEqual([{ kind: 'close', link: 1, graceful: true }]);
      expect(warnings).toHaveLength(1);
      inTable(warnings[0] ?? '');
    }
  });

  it('a hello, or a proof, when --max-links members are linked: ended without a frame', () => {
    const members = Array.from({ length: defaultTimings.maxLinks }, (_, i) =>
      joined(10 + i, `c${i.toString(16).padStart(15, '0')}`, `m${i}`),
    ).flat();
    const cases: NodeEvent[][] = [
      [...members, up, frameEvent(1, hello(LOWER, 'bob'))],
      // It said hello while there was room; its proof finds the last slot taken.
      [
        up,
        frameEvent(1, hello(LOWER, 'bob')),
        ...members,
        frameEvent(1, proof(1, hello(LOWER, 'bob'))),
      ],
    ];
    for (const events of cases) {
      const before = fold(events.slice(0, -1)).effects.length;
      const effects = fold(events).effects.slice(before);
      expect(effects.filter((e) => e.kind === 'send')).toEqual([]);
      expect(effects.filter((e) => e.kind === 'close')).toEqual([
        { kind: 'close', link: 1, graceful: true },
      ]);
      const warnings = effects.flatMap((e) => (e.kind === 'warn' ? [warningText(e.warning)] : []));
      expect(warnings).toHaveLength(1);
      inTable(warnings[0] ?? '');
    }
  });

  it('another frame or a bad line before the handshake, or no handshake: closed at once', () => {
    const cases: NodeEvent[][] = [
      [up, frameEvent(1, { type: 'chat' } as never)],
      [
        up,
        { kind: 'badInput', at: 0, link: 1, problem: 'sent a line that is not JSON', fatal: false },
      ],
      [up, { kind: 'tick', at: defaultTimings.handshakeTimeoutMs }],
    ];
    for (const events of cases) {
      const { warnings, closes } = refusal(events);
      expect(closes).toEqual([{ kind: 'close', link: 1, graceful: false }]);
      expect(warnings).toHaveLength(1);
      inTable(warnings[0] ?? '');
    }
  });

  it('the edge refusals are worded as the table has them', () => {
    const { maxUnauthenticated: all, maxUnauthenticatedPerAddress: perAddress } = defaultLimits;
    const waiting = (n: number, address: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => ({ key: `k${i}`, address: address(i) }));
    const reasonOf = (admission: Admission) =>
      admission.evict === undefined ? '' : admission.reason;
    const crowded = admit(
      waiting(perAddress, () => 'a'),
      'a',
      defaultLimits,
    );
    const full = admit(
      waiting(all, (i) => `h${i}`),
      'b',
      defaultLimits,
    );
    const reasons = [
      reasonOf(crowded),
      reasonOf(full),
      `no handshake within ${defaultTimings.handshakeTimeoutMs} ms`,
    ];
    for (const reason of reasons) {
      const text = warningText({ code: 'refused', remote, reason });
      expect(protocol, text).toContain(reason === reasons[1] ? `… ${reason}` : `\`${text}\``);
    }
    const member = { name: 'bob', id: LOWER, tagged: false };
    const peerRefused: Warning = { code: 'refusedByPeer', link: { remote, member }, detail: 'D' };
    expect(protocol).toContain(`\`${warningText(peerRefused).replace('D', '<detail>')}\``);
    const invalid: Warning = {
      code: 'badInput',
      link: { remote: '127.0.0.1:8081', member },
      problem: 'sent an invalid frame (chat: bad "deps")',
      closed: false,
    };
    expect(protocol).toContain(`\`${warningText(invalid)}\``);
  });
});

/** The frames sent on `link` by the last step of `events`, as `type@links`. */
function sentBy(events: readonly NodeEvent[], last: number): string[] {
  const before = fold(events.slice(0, events.length - last)).effects.length;
  return fold(events)
    .effects.slice(before)
    .flatMap((e) =>
      e.kind === 'send'
        ? [`${e.frame.type}@${e.links.join(',')}`]
        : e.kind === 'close'
          ? [`close@${e.link}`]
          : [],
    );
}

/** A link from or to member `id`, with its handshake done. */
function linked(link: LinkId, id: string, direction: 'in' | 'out', at = 0): NodeEvent[] {
  return [linkUp(link, at, { direction }), ...handshake(link, hello(id, id.slice(0, 1)), at)];
}

describe('PROTOCOL.md after the handshake, and one link per pair', () => {
  it('members (when there are others), have, then links to every member', () => {
    const first = linked(1, HIGHER, 'in');
    expect(sentBy(first, 1)).toEqual(['have@1', 'links@1']);
    const second = [...first, ...linked(2, LOWER, 'in', 1)];
    expect(sentBy(second, 1)).toEqual(['members@2', 'have@2', 'links@1,2']);
    // 50 ms later the batch of joins goes to every member (one joined, two linked).
    expect(sentBy([...second, { kind: 'tick', at: 60 }], 1)).toContain('members@1,2');
  });

  const keptOf = (events: readonly NodeEvent[], id: string) =>
    fold(events).state.members.get(id)?.link;

  it('dialled by different nodes: both keep the link the smaller id dialled', () => {
    // This node (SELF) dialled link 1; the other dialled link 2; either may complete first.
    for (const other of [LOWER, HIGHER]) {
      const mine = linked(1, other, 'out');
      const theirs = linked(2, other, 'in');
      const kept = SELF < other ? 1 : 2;
      expect(keptOf([...mine, ...theirs], other), other).toBe(kept);
      expect(keptOf([...theirs, ...mine], other), other).toBe(kept);
    }
  });

  it('both dialled by one node: the newer is kept, whoever dialled', () => {
    const cases = [
      { other: LOWER, direction: 'in', dialler: LOWER },
      { other: HIGHER, direction: 'in', dialler: HIGHER },
      { other: HIGHER, direction: 'out', dialler: SELF },
      { other: LOWER, direction: 'out', dialler: SELF },
    ] as const;
    for (const { other, direction, dialler } of cases) {
      const events = [...linked(1, other, direction), ...linked(2, other, direction, 1)];
      expect(keptOf(events, other), `${dialler} dialled both`).toBe(2);
      // The old link is told `duplicate` and ended; the new one gets a have, no members, links.
      expect(sentBy(events, 1)).toEqual(['bye@1', 'close@1', 'have@2']);
    }
  });
});

describe('PROTOCOL.md what a node sends', () => {
  const number = (label: string): number => {
    const match = new RegExp(`${label}`).exec(protocol);
    return Number((match?.[1] ?? '').replace(/,/g, ''));
  };

  it('a line is at most 16,000 UTF-16 code units after one trailing \\r', () => {
    const max = number('at most \\*\\*([\\d,]+) UTF-16 code units\\*\\*');
    expect(max).toBe(defaultTimings.maxLineChars);
    expect(parseCommand('é'.repeat(max), max).kind).toBe('say');
    expect(parseCommand(`${'a'.repeat(max)}\r`, max).kind).toBe('say');
    expect(parseCommand('a'.repeat(max + 1), max).kind).toBe('tooLong');
    expect(parseCommand('😀'.repeat(max / 2 + 1), max).kind).toBe('tooLong');
  });

  it('and at most 49,088 bytes quoted as JSON: 8,181 ESC characters fit, 8,182 do not', () => {
    const bytes = number('takes more than \\*\\*([\\d,]+) UTF-8 bytes\\*\\*');
    expect(bytes).toBe(MAX_FRAME_BYTES - 16 * 1024 - 64);
    // The quotes count: "a…a" is its length + 2 bytes.
    expect(exceedsFrame('a'.repeat(bytes - 2))).toBe(false);
    expect(exceedsFrame('a'.repeat(bytes - 1))).toBe(true);
    const esc = number('e\\.g\\. ([\\d,]+) ESC characters');
    expect(exceedsFrame('\u001b'.repeat(esc))).toBe(true);
    expect(exceedsFrame('\u001b'.repeat(esc - 1))).toBe(false);
    expect(exceedsFrame('☕'.repeat(defaultTimings.maxLineChars))).toBe(false);
  });

  it('each part of a split burst is a burst of its own: consecutive seqs, its own signature', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `${i}`.repeat(15_000));
    const { effects } = fold([...linked(1, HIGHER, 'in'), { kind: 'input', at: 1, lines }]);
    const parts = effects.flatMap((e) =>
      e.kind === 'send' && e.frame.type === 'chat' ? [e.frame] : [],
    );
    expect(parts.length).toBeGreaterThan(1);
    let seq = 1;
    for (const part of parts) {
      expect(part.seq).toBe(seq);
      expect(verifyChat(fakeIdentity(SELF), part)).toBe(true);
      expect(Buffer.byteLength(JSON.stringify(part)) + 1).toBeLessThanOrEqual(MAX_FRAME_BYTES);
      seq += part.texts.length;
    }
    expect(seq).toBe(lines.length + 1);
    expect(new Set(parts.map((p) => p.sig)).size).toBe(parts.length);
  });
});

describe('PROTOCOL.md addresses', () => {
  it('an address is never 0.0.0.0 or ::: an undialable advertise is not used, such gossip is ignored', () => {
    const events = [
      linkUp(1, 0),
      ...handshake(1, hello(LOWER, 'bob', 9100, { advertise: '0.0.0.0:9100' })),
    ];
    expect(fold(events).state.members.get(LOWER)?.address).toBe('127.0.0.1:9100');
    const gossip = frameEvent(1, {
      type: 'members',
      members: [
        memberEntry(HIGHER, 'carol', '[::]:9200'),
        memberEntry('c100000000000000', 'dave', '0.0.0.0:9300'),
        { ...memberEntry('c200000000000000', 'erin', '127.0.0.1:1'), address: 'not an address' },
        memberEntry('c300000000000000', 'fay', '224.0.0.1:1'),
        memberEntry('c400000000000000', 'gus', '255.255.255.255:1'),
        memberEntry('c500000000000000', 'hal', '[ff02::1]:1'),
        memberEntry('c600000000000000', 'ivy', '0.0.0.0:1'),
      ],
    });
    const after = fold([...events, gossip]);
    expect(after.effects.filter((e) => e.kind === 'dial')).toEqual([]);
    expect([...after.state.members.keys()]).toEqual([LOWER]);
    expect(protocol).toContain('An address is **never** `0.0.0.0` or `::`');
  });
});

describe('SECURITY.md limits', () => {
  it('connections without a handshake and members linked: the values the code has', () => {
    const { maxUnauthenticated, maxUnauthenticatedPerAddress } = defaultLimits;
    expect(security).toContain(
      `| ${maxUnauthenticated} in all, ${maxUnauthenticatedPerAddress} from one address; a new one is never refused`,
    );
    expect(security).toContain(
      `| ${defaultTimings.maxLinks} (\`--max-links\`); only members count`,
    );
    expect(security).toContain(
      `Strangers are bounded apart: ${maxUnauthenticatedPerAddress} from one address, ${maxUnauthenticated} in all.`,
    );
  });
});

describe('SECURITY.md a closed room on the wire', () => {
  it('the room key: its parameters, its memory, its test vector', () => {
    expect(security).toContain(
      `scrypt(secret, salt = "${ROOM_KEY_SALT}", N = 2^${Math.log2(ROOM_KEY_COST.N)}, r = ${ROOM_KEY_COST.r}, p = ${ROOM_KEY_COST.p})`,
    );
    const { N, r, p } = ROOM_KEY_COST;
    const table = 128 * N * r;
    const counted = 128 * r * (N + p + 2);
    const format = (n: number) => n.toLocaleString('en-US');
    expect(security).toContain(`128·N·r = ${format(table)} bytes`);
    expect(security).toContain(`128·r·(N + p + 2) = ${format(counted)} bytes`);
    const cost = { N, r, p };
    expect(() => scryptSync('x', ROOM_KEY_SALT, 32, cost)).toThrow(/memory limit/);
    expect(() => scryptSync('x', ROOM_KEY_SALT, 32, { ...cost, maxmem: counted - 1 })).toThrow();
    expect(scryptSync('x', ROOM_KEY_SALT, 32, { ...cost, maxmem: counted })).toHaveLength(32);
    const secret = quotedAfter(security, 'Test vector: the secret');
    const key = quotedAfter(security, `the secret \`${secret}\` gives the key`);
    expect(roomKey(Buffer.from(secret, 'utf8')).toString('hex')).toBe(key);
  });

  it('the secret as bytes: one trailing line end of a file is not part of it', () => {
    const fromFile = (text: string) => resolveSecret(undefined, 'f', () => Buffer.from(text));
    const secretOf = (result: ReturnType<typeof resolveSecret>) =>
      result.kind === 'closed' ? result.secret.toString() : result.kind;
    expect(secretOf(fromFile('s3cret\n'))).toBe('s3cret');
    expect(secretOf(fromFile('s3cret\r\n'))).toBe('s3cret');
    expect(secretOf(fromFile('s3cret\r'))).toBe('s3cret\r');
    expect(secretOf(fromFile('s3cret\n\n'))).toBe('s3cret\n');
    expect(secretOf(resolveSecret('s3cret\n', undefined, () => Buffer.alloc(0)))).toBe('s3cret\n');
  });
});
