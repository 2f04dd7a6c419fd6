import type { Server, Socket } from 'node:net';
import { connect } from 'node:net';
import { asyncScheduler, filter, firstValueFrom, ReplaySubject, share, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeEvent } from '../../src/core/event.js';
import { listen } from '../../src/io/listen.js';
import type { NetDriver } from '../../src/io/net-driver.js';
import { defaultLimits, makeNetDriver } from '../../src/io/net-driver.js';
import type { Transport } from '../../src/io/transport.js';
import { closedTransport, openTransport } from '../../src/io/transport.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanup.splice(0)) undo();
  vi.restoreAllMocks();
});

function openDriver(server: Server, transport: Transport = openTransport()): NetDriver {
  return makeNetDriver({
    server,
    transport,
    scheduler: asyncScheduler,
    connectTimeoutMs: 5000,
    limits: defaultLimits,
  });
}

async function driverWithClients(
  count: number,
): Promise<{ net: NetDriver; links: number[]; clients: Socket[] }> {
  const { server, port } = await listen('127.0.0.1', 0);
  const net = openDriver(server);
  // One subscription for the whole test: unsubscribing would close the links.
  const event$ = net.event$.pipe(share({ connector: () => new ReplaySubject<NodeEvent>() }));
  const subscription = event$.subscribe();
  const ups = firstValueFrom(
    event$.pipe(
      filter((e): e is Extract<NodeEvent, { kind: 'linkUp' }> => e.kind === 'linkUp'),
      take(count),
      toArray(),
    ),
  );
  // Each speaks first: an accepted connection is a link only once its first byte came.
  const clients = Array.from({ length: count }, () => {
    const client = connect({ host: '127.0.0.1', port });
    client.write('{"type":"ping","t":0}\n');
    return client;
  });
  const links = (await ups).map((e) => e.link);
  cleanup.push(() => {
    subscription.unsubscribe();
    for (const client of clients) client.destroy();
    server.close();
  });
  return { net, links, clients };
}

function firstLine(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) resolve(text);
    });
  });
}

describe('the network edge', () => {
  it('serialises a frame once and writes the same bytes to every link', async () => {
    const { net, links, clients } = await driverWithClients(3);
    const received = clients.map(firstLine);
    const stringify = vi.spyOn(JSON, 'stringify');
    net.send(links, { type: 'ping', t: 42 });
    expect(stringify).toHaveBeenCalledTimes(1);
    const lines = await Promise.all(received);
    expect(new Set(lines)).toEqual(new Set(['{"type":"ping","t":42}\n']));
  });

  it('reports a dial that cannot connect as dialFailed, with the reason', async () => {
    const { server } = await listen('127.0.0.1', 0);
    const net = openDriver(server);
    const closed = await listen('127.0.0.1', 0);
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const failed = firstValueFrom(net.event$.pipe(filter((e) => e.kind === 'dialFailed')));
    net.dial(`127.0.0.1:${closed.port}`, { kind: 'initial' });
    expect(await failed).toMatchObject({
      kind: 'dialFailed',
      target: `127.0.0.1:${closed.port}`,
      reason: expect.stringMatching(/ECONNREFUSED/),
    });
    server.close();
  });

  it('a link comes up with its TLS session binding in a closed room (the same at both ends), none in an open one', async () => {
    const bindings = async (transport: () => Transport): Promise<(string | undefined)[]> => {
      const ends = await Promise.all([listen('127.0.0.1', 0), listen('127.0.0.1', 0)]);
      const [dialler, accepter] = ends.map(({ server }) => {
        const net = openDriver(server, transport());
        // One subscription for the whole run: unsubscribing would close the links.
        const event$ = net.event$.pipe(share({ connector: () => new ReplaySubject<NodeEvent>() }));
        const subscription = event$.subscribe();
        cleanup.push(() => subscription.unsubscribe());
        const up = firstValueFrom(
          event$.pipe(
            filter((e): e is Extract<NodeEvent, { kind: 'linkUp' }> => e.kind === 'linkUp'),
          ),
        );
        return { net, up };
      });
      if (dialler === undefined || accepter === undefined) throw new Error('two drivers');
      dialler.net.dial(`127.0.0.1:${ends[1]?.port}`, { kind: 'initial' });
      const out = await dialler.up;
      // The accepting end makes a link of it once the dialer's first byte came (in the clear).
      dialler.net.send([out.link], { type: 'ping', t: 0 });
      const inn = await accepter.up;
      return [out.binding, inn.binding];
    };
    const key = Buffer.alloc(32, 7);
    const [out, inn] = await bindings(() => closedTransport(key, 5000));
    expect(out).toMatch(/^[0-9a-f]{64}$/);
    expect(inn).toBe(out);
    // Another session of the same room: another binding.
    expect(await bindings(() => closedTransport(key, 5000))).not.toContain(out);
    expect(await bindings(openTransport)).toEqual([undefined, undefined]);
  });
});
