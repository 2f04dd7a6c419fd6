import { afterEach, describe, expect, it } from 'vitest';
import { killAll, startNode } from '../helpers/node-process.js';
import type { RawClient } from '../helpers/raw-client.js';
import { joinRaw } from '../helpers/room.js';

/**
 * Amplification: a member that asks for everything 300 times over. Each
 * `have` with an empty vector asks for all history; the answers to one link
 * are bounded to --history messages per ping interval, so 300 of them cost
 * the node about what one does.
 */

const clients: RawClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.destroy();
  killAll();
});

const HISTORY = 200;
const chatTexts = (client: RawClient): number =>
  client
    .frames()
    .filter((frame) => frame.type === 'chat')
    .reduce((sum, frame) => sum + (Array.isArray(frame.texts) ? frame.texts.length : 0), 0);

describe('a member that sends 300 have frames asking for everything', () => {
  it('is answered with a bounded number of messages, not 300 copies of the history', async () => {
    const args = ['--history', String(HISTORY)];
    const alice = await startNode('alice', [], { args });
    const bob = await startNode('bob', [alice.address], { args });
    await alice.waitFor((e) => e.event === 'join' && e.id === bob.id, 'bob joined');
    bob.send(...Array.from({ length: HISTORY }, (_, i) => `line ${i}`));
    await alice.waitFor((e) => e.event === 'message' && e.text === `line ${HISTORY - 1}`, 'all');
    const liar = await joinRaw(alice, 'liar', clients);
    await liar.roundTrip();
    const before = chatTexts(liar);
    const have = `${JSON.stringify({ type: 'have', vector: {}, floor: {} })}\n`;
    liar.write(have.repeat(300));
    // Everything the node answered to those 300 arrives before the pong to this ping.
    await liar.roundTrip();
    const answered = chatTexts(liar) - before;
    // The history, at least once; at most the budget of this ping interval and the next (the
    // 300 may straddle one).
    expect(answered).toBeGreaterThanOrEqual(HISTORY);
    expect(answered).toBeLessThanOrEqual(2 * HISTORY);
    // And the room chats on.
    bob.send('after the flood');
    await alice.waitFor((e) => e.event === 'message' && e.text === 'after the flood', 'the line');
  });
});
