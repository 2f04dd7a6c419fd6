import { afterEach, describe, it } from 'vitest';
import { killAll, startNode } from '../helpers/node-process.js';
import type { RawClient } from '../helpers/raw-client.js';
import { rawConnect } from '../helpers/raw-client.js';

/**
 * Link slots (`--max-links`) are not held by peers that say goodbye and keep
 * the socket open: the node ends such a link, and cuts it off when the peer
 * does not close its side.
 */

const clients: RawClient[] = [];
afterEach(() => {
  killAll();
  for (const client of clients.splice(0)) client.socket.destroy();
});

describe('link slots', () => {
  it('peers that say bye and hold the socket open do not stop an honest join', async () => {
    const MAX = 4;
    const alice = await startNode('alice', [], { args: ['--max-links', String(MAX)] });
    for (let i = 0; i < MAX; i++) {
      // allowHalfOpen: the client never closes its side, whatever the node does.
      const holder = await rawConnect(alice.port, { answerPings: true, allowHalfOpen: true });
      clients.push(holder);
      holder.hello(`holder${i}`);
      await alice.waitFor((e) => e.event === 'join' && e.id === holder.id, `holder${i} joined`);
      holder.write(`${JSON.stringify({ type: 'bye', reason: 'quit' })}\n`);
      await alice.waitFor((e) => e.event === 'leave' && e.id === holder.id, `holder${i} left`);
    }
    // Every slot was taken by a holder; an honest member still gets in.
    const bob = await startNode('bob', [alice.address]);
    await alice.waitFor((e) => e.event === 'join' && e.id === bob.id, 'bob joined', 15_000);
    bob.send('made it');
    await alice.waitFor((e) => e.event === 'message' && e.text === 'made it', 'bob heard');
  });
});
