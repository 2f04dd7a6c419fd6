import { afterEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/core/identity.js';
import { freshIdentity } from '../../src/io/identity.js';
import type { FaultProxy } from '../helpers/fault-proxy.js';
import { proxyPool } from '../helpers/fault-proxy.js';
import type { JsonEvent, NodeProcess } from '../helpers/node-process.js';
import { killAll, poll } from '../helpers/node-process.js';
import type { RawClient } from '../helpers/raw-client.js';
import { signedChatLine } from '../helpers/raw-client.js';
import { joinRaw, messages, trio } from '../helpers/room.js';

/**
 * Only a stream's origin decides what is in it: a member with a valid key of
 * its own (a raw client here) lies in every way the protocol lets it, against
 * three real nodes in a mesh, and nobody skips or re-shows anyone's lines.
 */

/** The gap wait the nodes run with: short, so the suite stays fast. */
const GAP_WAIT = 1000;
function gapWaitArgs(ms: number): string[] {
  return ['--gap-wait', String(ms)];
}
/** 2^53 − 1, the highest seq there is. */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

const { proxyTo, closeAll } = proxyPool();
const clients: RawClient[] = [];
afterEach(async () => {
  killAll();
  for (const client of clients.splice(0)) client.socket.destroy();
  await closeAll();
});

const from = (node: NodeProcess, origin: string): JsonEvent[] =>
  messages(node).filter((e) => e.origin === origin);
const textsFrom = (node: NodeProcess, origin: string): string[] =>
  from(node, origin).map((e) => String(e.text));
const gapsAt = (node: NodeProcess): JsonEvent[] => node.events.filter((e) => e.event === 'gap');
/** A message id's stream: `<origin>.<inc>`, before the `:`. */
const streamOfId = (id: unknown): string => String(id).split(':')[0] ?? '';
const numbered = (prefix: string, first: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix} ${first + i}`);
const isText =
  (text: string) =>
  (e: JsonEvent): boolean =>
    e.event === 'message' && e.text === text;

async function untilShows(
  node: NodeProcess,
  wanted: readonly string[],
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  await poll(
    () => {
      const shown = new Set(messages(node).map((e) => String(e.text)));
      return wanted.every((text) => shown.has(text)) ? true : undefined;
    },
    `${node.name} shows ${what}`,
    timeoutMs,
    () =>
      `shown: ${messages(node).length}, last: ${messages(node)
        .slice(-5)
        .map((e) => String(e.text))
        .join(' | ')}\nstderr:\n${node.stderr}`,
  );
}

/** A raw client linked with `node` as `name` (handshake done), answering its pings. */
const joinAs = (node: NodeProcess, name: string, identity?: Identity): Promise<RawClient> =>
  joinRaw(node, name, clients, identity);

/** The stream the node behind `client` speaks for: `<its id>.<inc of its hello>`. */
async function streamOfPeer(client: RawClient): Promise<string> {
  const hello = await poll(
    () => client.frames().find((frame) => frame.type === 'hello'),
    'the node’s hello',
    10_000,
    () => client.lines.join('\n'),
  );
  return `${String(hello.id)}.${String(hello.inc)}`;
}

describe('a lying member cannot make others skip or re-show anyone’s lines', () => {
  it('dependency poisoning: deps claiming 2^53−1 of bob’s stream move nothing; the burst shows unmet after the gap wait', async () => {
    const { alice, bob, carol } = await trio(gapWaitArgs(GAP_WAIT));
    bob.send('bob 0');
    const first = await alice.waitFor(isText('bob 0'), 'bob 0');
    const bobStream = streamOfId(first.id);
    await untilShows(carol, ['bob 0'], 'bob 0');

    // Sent to alice; she passes it on to bob and carol, who are not linked with the liar.
    const liar = await joinAs(alice, 'liar');
    const sentAt = Date.now();
    liar.write(
      liar.signed({
        name: 'liar',
        seq: 1,
        deps: { [bobStream]: MAX_SEQ },
        texts: ['poisoned', 'poisoned too'],
      }),
    );
    const early = numbered('bob', 1, 20);
    bob.send(...early);
    for (const node of [alice, carol]) await untilShows(node, early, 'bob 1–20');

    // Held for its deps no longer than the gap wait (and not shorter), then shown unmet.
    await alice.waitFor(isText('poisoned too'), 'the poisoned burst', GAP_WAIT + 3000);
    const heldFor = Date.now() - sentAt;
    expect(heldFor).toBeGreaterThanOrEqual(GAP_WAIT - 100);
    expect(heldFor).toBeLessThan(GAP_WAIT + 2000);
    for (const node of [bob, carol])
      await node.waitFor(isText('poisoned too'), 'the poisoned burst', 3000);

    // bob's stream was not moved to 2^53−1: what he says next still shows.
    const late = numbered('bob', 21, 20);
    bob.send(...late);
    for (const node of [alice, carol]) await untilShows(node, late, 'bob 21–40');

    const everything = numbered('bob', 0, 41);
    for (const node of [alice, carol]) {
      expect(textsFrom(node, bob.id), `${node.name}: each of bob’s lines once, in order`).toEqual(
        everything,
      );
    }
    for (const node of [alice, bob, carol]) {
      expect(from(node, liar.id).map((e) => [e.text, e.unmet])).toEqual([
        ['poisoned', true],
        ['poisoned too', true],
      ]);
      expect(gapsAt(node), `${node.name}: no gap`).toEqual([]);
    }
  });

  it('unsigned floors: a newcomer’s have saying bob’s stream cannot be resent below 50 skips none of his 60 lines', async () => {
    const { alice, bob, carol } = await trio(gapWaitArgs(GAP_WAIT));
    // One liar, linked with all three; bob's hello to it names his stream before he said anything.
    const identity = freshIdentity();
    const bobStream = await streamOfPeer(await joinAs(bob, 'liar', identity));
    for (const victim of [alice, carol]) {
      const link = await joinAs(victim, 'liar', identity);
      link.write(`${JSON.stringify({ type: 'have', vector: {}, floor: { [bobStream]: 50 } })}\n`);
      await link.roundTrip();
    }
    const lines = numbered('bob', 1, 60);
    bob.send(...lines);
    for (const victim of [alice, carol]) {
      // In order or not at all: the last one shown means all had their chance.
      await untilShows(victim, ['bob 60'], 'bob 60');
      expect(textsFrom(victim, bob.id), `${victim.name}: all 60, none skipped`).toEqual(lines);
      expect(gapsAt(victim), `${victim.name}: no gap`).toEqual([]);
    }
  });

  it('gaps end: a hole, a dependency cycle and a stream nobody has all show within the gap wait + 2 s', async () => {
    const { alice, bob, carol } = await trio(gapWaitArgs(GAP_WAIT));
    const liar = await joinAs(alice, 'liar');
    const accomplice = freshIdentity();
    const own = `${liar.id}.1`;
    const theirs = `${accomplice.id}.1`;
    const nowhere = 'ffffffffffffffff.deadbeef';
    const sentAt = Date.now();
    liar.write(
      [
        // Seqs 2–4 never come; it also waits for a stream that does not exist.
        liar.signed({ name: 'liar', seq: 5, deps: { [nowhere]: 3 }, texts: ['liar 5'] }),
        // A cycle: liar 1 waits for accomplice 1, which waits for liar 1.
        liar.signed({ name: 'liar', seq: 1, deps: { [theirs]: 1 }, texts: ['liar 1'] }),
        signedChatLine(accomplice, {
          name: 'accomplice',
          seq: 1,
          deps: { [own]: 1 },
          texts: ['acc 1'],
        }),
        liar.signed({ name: 'liar', seq: 6, texts: ['liar 6', 'liar 7'] }),
      ].join(''),
    );
    const sent = ['liar 1', 'acc 1', 'liar 5', 'liar 6', 'liar 7'];
    for (const node of [alice, bob, carol]) {
      await untilShows(
        node,
        sent,
        'everything the liars sent',
        Math.max(0, sentAt + GAP_WAIT + 2000 - Date.now()),
      );
    }
    for (const node of [alice, bob, carol]) {
      const shown = messages(node)
        .filter((e) => e.origin === liar.id || e.origin === accomplice.id)
        .map((e) => String(e.text));
      expect(new Set(shown).size, `${node.name}: each once`).toBe(shown.length);
      expect(shown.filter((text) => text.startsWith('liar'))).toEqual([
        'liar 1',
        'liar 5',
        'liar 6',
        'liar 7',
      ]);
      expect(messages(node).find(isText('liar 5'))?.unmet).toBe(true);
      // The cycle is broken somewhere: one of the two is shown before what it waited for.
      expect(
        [messages(node).find(isText('liar 1')), messages(node).find(isText('acc 1'))].some(
          (e) => e?.unmet === true,
        ),
      ).toBe(true);
      // Only the liar's own hole is a gap; the stream nobody has is not skipped, nor the cycle.
      expect(gapsAt(node).map((e) => [e.origin, e.missing])).toEqual([[liar.id, 3]]);
    }
    bob.send('after the chain');
    carol.send('me too');
    await untilShows(alice, ['after the chain', 'me too'], 'honest lines after');
    await untilShows(carol, ['after the chain'], 'honest lines after');
    await untilShows(bob, ['me too'], 'honest lines after');
  });

  it('a seq so high its burst would pass 2^53−1 is refused as bad input, with one warning; the node chats on', async () => {
    const { alice, bob, carol } = await trio(gapWaitArgs(GAP_WAIT));
    const liar = await joinAs(alice, 'liar');
    liar.write(liar.signed({ name: 'liar', seq: MAX_SEQ, texts: ['w', 'x', 'y', 'z'] }));
    const warning = await alice.waitForStderr(/^.*"seq" too large.*$/m);
    expect(warning).toMatch(
      /liar \(127\.0\.0\.1:\d+\): sent an invalid frame \(chat: "seq" too large\); dropped$/,
    );
    // Dropped, not closed: the same link still carries its next (valid) line.
    liar.write(liar.signed({ name: 'liar', seq: 1, texts: ['liar ok'] }));
    await untilShows(alice, ['liar ok'], 'the liar’s next line');
    bob.send('still here');
    await untilShows(alice, ['still here'], 'bob after the refused frame');
    await untilShows(carol, ['still here', 'liar ok'], 'bob after the refused frame');
    expect(alice.stderr.split('\n').filter((line) => line.includes('too large'))).toHaveLength(1);
    expect(alice.child.exitCode).toBeNull();
    for (const node of [alice, bob, carol])
      expect(textsFrom(node, liar.id), `${node.name}: nothing of the huge burst`).toEqual([
        'liar ok',
      ]);
  });

  it('one member fills the held-back queue: another’s held lines still show at once, and the warning names the flooder', async () => {
    // A longer gap wait here: the flood stays held while bob's lines arrive.
    const gapWait = 3000;
    let proxy: FaultProxy | undefined;
    const { alice, bob, carol } = await trio(gapWaitArgs(gapWait), {
      carolVia: async (first) => {
        proxy = await proxyTo(first);
        return proxy.address;
      },
    });
    if (proxy === undefined) throw new Error('no proxy');
    // Linked with all three, so the nodes ask it (not each other) for what it holds back.
    const identity = freshIdentity();
    await joinAs(alice, 'liar', identity);
    await joinAs(bob, 'liar', identity);
    const liar = await joinAs(carol, 'liar', identity);
    // 600 bursts of 20, a million seqs ahead: never deliverable, 12,000 messages to hold.
    const flood = Array.from({ length: 600 }, (_, i) =>
      liar.signed({
        name: 'liar',
        seq: 1_000_001 + 20 * i,
        texts: numbered(`flood ${i}`, 0, 20),
      }),
    );
    liar.write(flood.join(''));
    // Behind the flood on the same link (another stream, deliverable): carol has taken it all in.
    // (She passes none of it on: alice and bob are linked with the liar, which sent it.)
    liar.write(signedChatLine(freshIdentity(), { name: 'after', seq: 1, texts: ['flood over'] }));
    await untilShows(carol, ['flood over'], 'flood over');

    // alice's line now reaches carol late, so bob's answers to it arrive at carol first: held.
    proxy.delay(300);
    alice.send('question');
    await bob.waitFor(isText('question'), 'the question');
    const answers = numbered('re', 1, 20);
    bob.send(...answers);
    await untilShows(carol, answers, 'bob’s 20 answers, promptly', 2000);
    proxy.delay(0);

    expect(textsFrom(carol, bob.id)).toEqual(answers);
    expect(from(carol, bob.id).some((e) => e.unmet === true)).toBe(false);
    const order = messages(carol).map((e) => String(e.text));
    expect(order.indexOf('question')).toBeLessThan(order.indexOf('re 1'));
    expect(carol.stderr).toMatch(
      /held-back queue full \(at most 2000 messages of one member, 10000 in all\): dropped \d+ from liar; they will be asked for again/,
    );
    expect(carol.stderr).not.toMatch(/held-back queue full[^\n]* from bob/);
  });

  it('shown twice: bob’s genuine frames replayed after he quit and alice forgot his stream are duplicates', async () => {
    const { alice, bob, carol } = await trio(gapWaitArgs(GAP_WAIT), {
      aliceArgs: ['--history', '5'],
    });
    // Linked with bob, so bob sends it his lines: it keeps his signed frames.
    const recorder = await joinAs(bob, 'recorder');
    bob.send('b1');
    const first = await alice.waitFor(isText('b1'), 'b1');
    const bobStream = streamOfId(first.id);
    bob.send('b2', 'b3');
    await untilShows(alice, ['b2', 'b3'], 'b2 and b3');
    const bobFrames = await poll(
      () => {
        const frames = recorder.frames().filter((f) => f.type === 'chat' && f.origin === bob.id);
        const count = frames.reduce((sum, f) => sum + (f.texts as unknown[]).length, 0);
        return count === 3 ? frames : undefined;
      },
      'the recorder has bob’s three lines',
      10_000,
      () => recorder.lines.join('\n'),
    );

    bob.end();
    await alice.waitFor(
      (e) => e.event === 'leave' && e.id === bob.id && e.reason === 'quit',
      'bob quit',
    );
    // alice's log (5 messages) moves past bob's lines: his stream leaves her vector.
    const carols = numbered('carol', 1, 10);
    carol.send(...carols);
    await untilShows(alice, carols, 'carol’s 10 lines');
    const relay = await joinAs(alice, 'relay');
    for (let round = 0; ; round++) {
      const probe = await joinAs(alice, 'probe');
      const have = await poll(
        () => probe.frames().find((f) => f.type === 'have'),
        'alice’s have',
        10_000,
        () => probe.lines.join('\n'),
      );
      probe.socket.destroy();
      if (!Object.hasOwn(have.vector as object, bobStream)) break;
      if (round > 20) throw new Error(`alice never forgot ${bobStream}: ${JSON.stringify(have)}`);
      // Forgetting rides on alice's ticks: wait for her next ping before probing again.
      const pings = relay.frames().filter((f) => f.type === 'ping').length;
      await poll(
        () => (relay.frames().filter((f) => f.type === 'ping').length > pings ? true : undefined),
        'alice’s next ping',
        10_000,
        () => alice.stderr,
      );
    }

    for (const frame of bobFrames) {
      const plain = Object.fromEntries(Object.entries(frame).filter(([key]) => key !== 'replay'));
      relay.write(`${JSON.stringify({ ...plain, replay: true })}\n`);
      relay.write(`${JSON.stringify(plain)}\n`);
    }
    // Behind the replays on the same link: once it shows, alice has handled them all.
    relay.write(relay.signed({ name: 'relay', seq: 1, texts: ['relay marker'] }));
    await untilShows(alice, ['relay marker'], 'the marker after the replays');
    expect(textsFrom(alice, bob.id), 'each of bob’s lines once').toEqual(['b1', 'b2', 'b3']);
    expect(gapsAt(alice)).toEqual([]);
  });
});
