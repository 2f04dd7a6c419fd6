import { afterEach, describe, expect, it } from 'vitest';
import { freshIdentity } from '../../src/io/identity.js';
import type { NodeProcess } from '../helpers/node-process.js';
import { killAll, poll } from '../helpers/node-process.js';
import type { RawClient } from '../helpers/raw-client.js';
import { signedChatLine } from '../helpers/raw-client.js';
import { joinRaw, messages, trio } from '../helpers/room.js';

/**
 * A room's metadata follows who is present, never its history: a stranger
 * with a valid key floods three real nodes with frames from 3,000 fresh
 * incarnations and three 30 KB `have` frames of invented floors; the honest
 * members' frames stay small, their links never flap, and they chat on.
 */

const clients: RawClient[] = [];
afterEach(() => {
  killAll();
  for (const client of clients.splice(0)) client.socket.destroy();
});

const FLOOD = 3000;

async function untilShows(node: NodeProcess, text: string): Promise<void> {
  await poll(
    () => (messages(node).some((e) => e.text === text) ? true : undefined),
    `${node.name} shows ${text}`,
    20_000,
    () => `shown: ${messages(node).length}\nstderr:\n${node.stderr}`,
  );
}

/** 3,000 chat frames, each the first of a fresh stream: half the stranger's own new incarnations. */
function floodLines(stranger: RawClient): string {
  const lines: string[] = [];
  for (let i = 0; i < FLOOD; i++) {
    const identity = i % 2 === 0 ? stranger.identity : freshIdentity();
    lines.push(
      signedChatLine(identity, { name: 'stranger', seq: 1, inc: `s${i}`, texts: [`boo ${i}`] }),
    );
  }
  return lines.join('');
}

/** An unsigned `have` of about 30 KB: 1,000 invented streams, each with a high floor. */
function inventedHave(round: number): string {
  const invented: Record<string, number> = {};
  for (let k = 0; k < 1000; k++)
    invented[`${round.toString(16).padStart(8, '0')}${k.toString(16).padStart(8, '0')}.x`] = 9_000;
  return `${JSON.stringify({ type: 'have', vector: invented, floor: invented })}\n`;
}

/** The bytes of each chat frame `client` received whose texts include one of `texts`. */
function frameBytes(client: RawClient, texts: readonly string[]): number[] {
  return client.lines
    .filter((line) => {
      const frame = JSON.parse(line) as { type?: string; texts?: string[] };
      return frame.type === 'chat' && (frame.texts ?? []).some((t) => texts.includes(t));
    })
    .map((line) => Buffer.byteLength(`${line}\n`));
}

async function sayAll(
  room: readonly NodeProcess[],
  observer: RawClient,
  tag: string,
): Promise<string[]> {
  const texts = room.map((node) => `${tag} from ${node.name} ${'x'.repeat(40)}`);
  for (const [i, node] of room.entries()) node.send(texts[i] ?? '');
  for (const [i, node] of room.entries())
    for (const [j, text] of texts.entries()) if (i !== j) await untilShows(node, text);
  await poll(
    () => (frameBytes(observer, texts).length >= texts.length ? true : undefined),
    `the observer received the ${tag} lines`,
    30_000,
    () => observer.lines.slice(-3).join('\n'),
  );
  return texts;
}

describe('metadata that stays small, against a stranger with a valid key', () => {
  it('3,000 fresh incarnations and three 30 KB haves: no link flaps, honest frames stay small, the room chats on', async () => {
    const { alice, bob, carol } = await trio([]);
    const room = [alice, bob, carol];
    const observer = await joinRaw(alice, 'observer', clients);
    const before = frameBytes(observer, await sayAll(room, observer, 'before'));

    const stranger = await joinRaw(alice, 'stranger', clients);
    stranger.write(floodLines(stranger));
    for (let round = 0; round < 3; round++) stranger.write(inventedHave(round));
    await stranger.roundTrip(60_000);
    for (const node of room) await untilShows(node, `boo ${FLOOD - 1}`);
    const during = frameBytes(observer, await sayAll(room, observer, 'during'));
    // A member joining now is handed alice's have: it speaks of the present only.
    const late = await joinRaw(alice, 'late', clients);
    const have = await poll(
      () => late.lines.find((line) => line.startsWith('{"type":"have"')),
      'alice’s have to a newcomer',
      10_000,
      () => late.lines.join('\n'),
    );

    stranger.socket.destroy();
    await alice.waitFor((e) => e.event === 'leave' && e.id === stranger.id, 'the stranger left');
    const after = frameBytes(observer, await sayAll(room, observer, 'after'));

    for (const bytes of [...before, ...during, ...after]) expect(bytes).toBeLessThan(2048);
    expect(Math.max(...after)).toBeLessThanOrEqual(Math.max(...before) + 64);
    expect(Buffer.byteLength(`${have}\n`)).toBeLessThan(4096);
    // (The stranger's link is the only one that closed.)
    // No link among the honest members ever went down.
    const honest = new Set(room.map((node) => node.id));
    for (const node of room) {
      const flaps = node.events.filter((e) => e.event === 'leave' && honest.has(String(e.id)));
      expect(flaps, `${node.name}'s links`).toEqual([]);
    }
  }, 120_000);
});
