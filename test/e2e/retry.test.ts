import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, poll, startNode } from '../helpers/node-process.js';

afterEach(killAll);

describe('a named peer that is not up yet', () => {
  it('is tried again with backoff until it is: they link; "still trying" was said once', async () => {
    // Something at late's address that hangs up at once: each of early's attempts is counted.
    let attempts = 0;
    const stand = createServer((socket) => {
      attempts += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => stand.listen(0, '127.0.0.1', resolve));
    const port = (stand.address() as AddressInfo).port;
    const early = await startNode('early', [`127.0.0.1:${port}`], {
      args: ['--redial-for', '60000'],
    });
    // Four attempts are about 1.75 s of backoff (0, 250, 500, 1000 ms apart); then late comes up.
    await poll(
      () => (attempts >= 4 ? true : undefined),
      '4 attempts',
      15_000,
      () => early.stderr,
    );
    await new Promise<void>((resolve) => stand.close(() => resolve()));
    const late = await startNode('late', [], { port });
    // Backoff 250 ms doubling (±20 %): the next attempt comes within about 2.5 s of late's ready.
    await early.waitFor((e) => e.event === 'join' && e.id === late.id, 'late joined', 5000);
    await late.waitFor((e) => e.event === 'join' && e.id === early.id, 'early joined');
    const stillTrying = early.stderr.match(/still trying 127\.0\.0\.1:\d+ \(attempt 1, next in /g);
    expect(stillTrying).toHaveLength(1);
  });
});
