import { afterEach, describe, expect, it } from 'vitest';
import { freshIdentity } from '../../src/io/identity.js';
import type { PeerRow } from '../helpers/node-process.js';
import { askPeersUntil, killAll, PRESENT_STATES } from '../helpers/node-process.js';
import type { RawClient } from '../helpers/raw-client.js';
import { signedAnnouncement } from '../helpers/raw-client.js';
import { joinRaw, trio } from '../helpers/room.js';

/**
 * A member that lies in its gossip: one `members` frame of invented members,
 * as many as fit (about 190, each signed by its own key), some at addresses nobody may dial. The node takes it in one step
 * and chats on, dials none of those addresses, writes a bounded number of
 * warnings, and lists none of the invented members as present once nobody
 * has vouched for them for 3 × --peer-timeout.
 */

const clients: RawClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.destroy();
  killAll();
});

const PEER_TIMEOUT_MS = 1000;

const frameBytes = (members: readonly object[]): number =>
  Buffer.byteLength(`${JSON.stringify({ type: 'members', members })}\n`);
const NOBODY_MAY_DIAL = ['0.0.0.0:1', '224.0.0.1:1', '255.255.255.255:1'];

describe('a member that gossips a frame full of invented members', () => {
  it('is taken in one step: the room chats on, no unspecified, multicast or broadcast address is dialled, none stays present', async () => {
    const { alice, bob, carol } = await trio(['--peer-timeout', String(PEER_TIMEOUT_MS)]);
    // Invented members on this machine's own loopback port 9 (discard; nothing listens there):
    // as many as fit in one frame (4,096 entries would pass 64 KiB). Made before the liar joins,
    // so that it answers every ping meanwhile.
    // Each signed by its own key, which the liar holds: announcements it may pass on.
    const invented = Array.from({ length: 256 }, (_, i) => {
      const address = NOBODY_MAY_DIAL[i % 16] ?? '127.0.0.1:9';
      const port = Number(address.slice(address.lastIndexOf(':') + 1));
      return { ...signedAnnouncement(freshIdentity(), { name: 'g', port, mesh: true }), address };
    });
    while (frameBytes(invented) >= 64 * 1024) invented.pop();
    expect(invented.length).toBeGreaterThan(150);
    const liar = await joinRaw(alice, 'liar', clients);
    // And bob as alice told the liar of him, renamed: an announcement altered on its way.
    const told = liar.frames().find((f) => f.type === 'members')?.members as
      | Record<string, unknown>[]
      | undefined;
    const bobTold = told?.find((entry) => entry.id === bob.id);
    expect(bobTold).toBeDefined();
    invented[0] = { ...(bobTold as (typeof invented)[number]), name: 'carol' };
    liar.write(`${JSON.stringify({ type: 'members', members: invented })}\n`);
    // The frame is handled before the liar's next frame: a round trip.
    await liar.roundTrip(10_000);
    bob.send('still here');
    for (const node of [alice, carol])
      await node.waitFor((e) => e.event === 'message' && e.text === 'still here', 'the line');

    const ids = new Set(invented.slice(1).map((member) => member.id));
    const noGhostPresent = (peers: readonly PeerRow[]) =>
      !peers.some((peer) => ids.has(peer.id) && PRESENT_STATES.has(peer.state));
    const peers = await askPeersUntil(
      alice,
      noGhostPresent,
      'no invented member present',
      3 * PEER_TIMEOUT_MS + 5000,
    );
    const listed = peers as readonly (PeerRow & { address: string })[];
    for (const address of NOBODY_MAY_DIAL) {
      expect(listed.some((peer) => peer.address === address)).toBe(false);
      expect(alice.stderr).not.toContain(address);
    }
    await alice.waitForStderr(/gossiped 1 member\(s\) not signed by their own keys; ignored/);
    // A few warnings at most (dials of 127.0.0.1:9 that failed), never one per entry.
    expect(alice.stderr.split('\n').length).toBeLessThan(40);
  });
});
