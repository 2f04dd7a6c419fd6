import { afterEach, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../helpers/fault-proxy.js';
import { proxyPool } from '../helpers/fault-proxy.js';
import type { JsonEvent, NodeProcess } from '../helpers/node-process.js';
import { killAll, linkedIds, poll, startNode } from '../helpers/node-process.js';

const { proxyTo, closeAll } = proxyPool();
afterEach(async () => {
  killAll();
  await closeAll();
});

/** The default `--gap-wait`: how long anything waits for a missing predecessor. */
const GAP_WAIT_MS = 5000;

async function fullMesh(nodes: readonly NodeProcess[]): Promise<void> {
  for (const node of nodes) {
    const others = nodes.filter((other) => other !== node).map((other) => other.id);
    await poll(
      () => (others.every((id) => linkedIds(node).has(id)) ? true : undefined),
      `${node.name} linked with all ${others.length} others`,
      20_000,
      () => node.stdout,
    );
  }
}

const isMessageFrom = (event: JsonEvent | undefined, origin: string): boolean =>
  event?.event === 'message' && event.origin === origin;

/** The texts a node has shown from `origin`, in the order shown. */
const textsFrom = (node: NodeProcess, origin: string): string[] =>
  node.events.filter((e) => isMessageFrom(e, origin)).map((e) => String(e.text));

/** How many messages of `origin` a node has shown so far, counted as its events come in. */
function counter(node: NodeProcess, origin: string): () => number {
  let scanned = 0;
  let count = 0;
  return () => {
    for (; scanned < node.events.length; scanned++)
      if (isMessageFrom(node.events[scanned], origin)) count++;
    return count;
  };
}

const gaps = (node: NodeProcess): JsonEvent[] => node.events.filter((e) => e.event === 'gap');

describe('recovery of lost messages', () => {
  it('SIGKILL mid-burst in a 5-node mesh: within 2 s of the loss every survivor has the union of what any survivor had, each once, in order', async () => {
    // 5.4 MB: far more than gets out before the kill (2,000–8,000 lines here), even when the
    // survivors are slow to show their first 1,000 (a busy machine).
    const LINES = 90_000;
    const KILL_AT = 1000;
    const args = ['--history', '50000'];
    // The victim starts first and the four others name it: s1 and s2 through proxies that hold
    // each chunk of its frames back (100 and 30 ms, one chunk after another, so they fall further
    // behind as its burst goes on), s3 and s4 directly. When it dies, s1 and s2 have seen less of
    // its burst than s3 and s4, and what the proxies still hold is lost with it.
    const victim = await startNode('v', [], { args });
    const toS1 = await proxyTo(victim);
    const toS2 = await proxyTo(victim);
    const survivors = [
      await startNode('s1', [toS1.address], { args }),
      await startNode('s2', [toS2.address], { args }),
      await startNode('s3', [victim.address], { args }),
      await startNode('s4', [victim.address], { args }),
    ];
    await fullMesh([victim, ...survivors]);
    const counts = new Map(survivors.map((node) => [node, counter(node, victim.id)]));
    const countOf = (node: NodeProcess): number => (counts.get(node) as () => number)();

    const line = (i: number): string => `k${String(i).padStart(5, '0')} ${'x'.repeat(50)}`;
    // Kill it from the first survivor output that shows KILL_AT of its lines, while it still sends.
    const atKill = new Promise<Map<NodeProcess, number>>((resolve) => {
      const check = (): void => {
        if (!survivors.some((node) => countOf(node) >= KILL_AT)) return;
        victim.kill('SIGKILL');
        for (const node of survivors) node.child.stdout.off('data', check);
        resolve(new Map(survivors.map((node) => [node, countOf(node)])));
      };
      for (const node of survivors) node.child.stdout.on('data', check);
    });
    // Its stdin breaks when it dies with lines still buffered: that is expected.
    victim.child.stdin.on('error', () => undefined);
    toS1.delay(100);
    toS2.delay(30);
    victim.send(...Array.from({ length: LINES }, (_, i) => line(i)));
    const shownAtKill = await atKill;

    // Watch every survivor: when it saw the victim lost, and when its count last grew.
    const lostAt = new Map<NodeProcess, number>();
    const grewAt = new Map<NodeProcess, number>();
    const lastCount = new Map<NodeProcess, number>();
    const watch = (): void => {
      const now = Date.now();
      for (const node of survivors) {
        if (
          !lostAt.has(node) &&
          node.events.some((e) => e.event === 'leave' && e.id === victim.id && e.reason === 'lost')
        )
          lostAt.set(node, now);
        const count = countOf(node);
        if (count !== lastCount.get(node)) {
          lastCount.set(node, count);
          grewAt.set(node, now);
        }
      }
    };
    const union = (): number => Math.max(...survivors.map(countOf));
    await poll(
      () => {
        watch();
        const most = union();
        return lostAt.size === survivors.length && survivors.every((n) => countOf(n) === most)
          ? true
          : undefined;
      },
      'every survivor to see the victim lost and show the same lines of it',
      20_000,
      () =>
        survivors
          .map((n) => `${n.name}: ${countOf(n)} lines, lost ${lostAt.has(n)}\n${n.stderr}`)
          .join('\n'),
    );

    // Settle: each survivor says it is done; a line is shown only after what its sender had shown.
    for (const node of survivors) node.send(`done ${node.name}`);
    for (const node of survivors)
      for (const other of survivors) {
        if (other === node) continue;
        await node.waitFor(
          (e) => e.event === 'message' && e.text === `done ${other.name}`,
          other.name,
        );
      }
    watch();

    const total = union();
    /** What a survivor had shown of the victim when it showed the loss: all that came directly. */
    const shownAtLoss = (node: NodeProcess): number => {
      const at = node.events.findIndex((e) => e.event === 'leave' && e.id === victim.id);
      return node.events.slice(0, at).filter((e) => isMessageFrom(e, victim.id)).length;
    };
    const report = survivors.map((node) => ({
      node: node.name,
      atLoss: shownAtLoss(node),
      unionAfterLostMs: Math.max(0, (grewAt.get(node) ?? 0) - (lostAt.get(node) ?? 0)),
    }));

    expect(Math.max(...shownAtKill.values())).toBeGreaterThanOrEqual(KILL_AT);
    // Some survivor was missing lines when it saw the loss: they came from the others.
    expect(Math.min(...report.map((row) => row.atLoss))).toBeLessThan(total);
    // Killed mid-burst: not everything it piped got out.
    expect(total).toBeLessThan(LINES);
    const expected = Array.from({ length: total }, (_, i) => line(i));
    for (const node of survivors) {
      // Each line once, in order, from the first on: exactly the union.
      expect(textsFrom(node, victim.id), `${node.name}'s lines of the victim`).toEqual(expected);
      expect(gaps(node), `${node.name} gap events`).toEqual([]);
    }
    for (const row of report)
      expect(
        row.unionAfterLostMs,
        `${row.node}: union this long after it saw the loss`,
      ).toBeLessThanOrEqual(2000);
  });

  describe('a link that silently loses 16 KiB of a burst (the connection stays up)', () => {
    const LINES = 800;
    const DROP = 16 * 1024;
    const args = ['--no-mesh', '--peer-timeout', '3000'];
    /**
     * 95 characters, its index first: the whole burst is under 80 KB of frames, so whatever
     * frames stdin's reads make of it, the one corrupt line left where 16 KiB went missing
     * stays under the 64 KiB line limit (and is refused, not a reason to close the link).
     */
    const line = (i: number): string => `m${String(i).padStart(3, '0')} ${'y'.repeat(90)}`;
    const all = Array.from({ length: LINES }, (_, i) => line(i));

    /** A listens; B reaches it only through a proxy, whose bytes toward B the test drops. */
    async function pair(): Promise<[NodeProcess, NodeProcess, FaultProxy]> {
      const a = await startNode('a', [], { args });
      const proxy = await proxyTo(a);
      const b = await startNode('b', [proxy.address], { args });
      await poll(
        () => (linkedIds(b).has(a.id) && linkedIds(a).has(b.id) ? true : undefined),
        'a and b linked',
        15_000,
        () => `${a.stdout}\n${b.stdout}`,
      );
      return [a, b, proxy];
    }

    async function untilAll(b: NodeProcess, a: NodeProcess, timeoutMs: number): Promise<number> {
      const started = Date.now();
      const count = counter(b, a.id);
      await poll(
        () => (count() >= LINES ? true : undefined),
        `b shows all ${LINES} lines of a`,
        timeoutMs,
        () => `b shows ${count()}\n${b.stderr}`,
      );
      return Date.now() - started;
    }

    /** All of them once, in order, no gap, the link never dropped, the corrupt line refused. */
    function expectWhole(a: NodeProcess, b: NodeProcess): void {
      expect(textsFrom(b, a.id)).toEqual(all);
      expect(gaps(b)).toEqual([]);
      expect(b.events.filter((e) => e.event === 'leave')).toEqual([]);
      expect(b.stderr).toMatch(/not JSON|signature does not verify|invalid frame/);
    }

    it('in the middle: the later frames show the hole, b pulls the missing ones before the gap wait', async () => {
      const [a, b, proxy] = await pair();
      const dropped = proxy.drop(DROP, { toward: 'client', after: 20 * 1024 });
      a.send(...all);
      await dropped;
      await untilAll(b, a, GAP_WAIT_MS + 5000);
      expectWhole(a, b);
    });

    it('at the tail: nothing later shows the hole, the digest in pings and pongs makes b ask', async () => {
      const [a, b, proxy] = await pair();
      const head = all.length - 170;
      a.send(...all.slice(0, head));
      await poll(
        () => (textsFrom(b, a.id).length === head ? true : undefined),
        `b shows the first ${head} lines`,
        15_000,
        () => b.stderr,
      );
      // The last 170 lines (about 16.9 KB of frame): all of it is lost but its last ~500 bytes,
      // a corrupt piece of line, and a sends nothing more after them.
      const dropped = proxy.drop(DROP, { toward: 'client' });
      a.send(...all.slice(head));
      await dropped;
      await untilAll(b, a, GAP_WAIT_MS + 5000);
      expectWhole(a, b);
    });
  });
});
