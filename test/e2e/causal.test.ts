import { afterEach, describe, expect, it } from 'vitest';
import type { JsonEvent, NodeProcess } from '../helpers/node-process.js';
import { killAll, lineOfThree, linkedIds, poll, startNode } from '../helpers/node-process.js';

afterEach(killAll);

const messages = (node: NodeProcess): JsonEvent[] =>
  node.events.filter((e) => e.event === 'message');
const texts = (node: NodeProcess): string[] => messages(node).map((e) => String(e.text));

async function mesh(size: number): Promise<NodeProcess[]> {
  const first = await startNode('n0');
  const nodes = [first];
  for (let i = 1; i < size; i++) nodes.push(await startNode(`n${i}`, [first.address]));
  for (const node of nodes) {
    await poll(
      () => (linkedIds(node).size === size - 1 ? true : undefined),
      `${node.name} fully linked`,
      20_000,
      () => node.stdout,
    );
  }
  return nodes;
}

/** Answers every message from `asker` with `re: <text>`, as soon as the node shows it. */
function answerEach(answerer: NodeProcess, asker: NodeProcess): void {
  let answered = 0;
  answerer.child.stdout.on('data', () => {
    const questions = messages(answerer).filter((e) => e.origin === asker.id);
    const lines = questions.slice(answered).map((e) => `re: ${String(e.text)}`);
    answered = questions.length;
    if (lines.length > 0) answerer.send(...lines);
  });
}

describe('causal broadcast with forwarding', () => {
  it('a --no-mesh line A – B – C: A reaches C through B exactly once, and C’s answer follows A’s question everywhere', async () => {
    const [a, b, c] = await lineOfThree(['a', 'b', 'c']);
    answerEach(c, a);
    a.send('question?');
    await a.waitFor((e) => e.event === 'message' && e.text === 're: question?', 'the answer at a');
    await b.waitFor((e) => e.event === 'message' && e.text === 're: question?', 'the answer at b');
    expect(texts(c)).toEqual(['question?']);
    expect(texts(b)).toEqual(['question?', 're: question?']);
    expect(texts(a)).toEqual(['re: question?']);
    expect(messages(c)[0]?.origin).toBe(a.id);
    expect(new Set(a.events.filter((e) => e.event === 'join').map((e) => e.id))).toEqual(
      new Set([b.id]),
    );
  });

  it('a mesh of 5: 1,000 lines from one member, each answered by another; every member shows each once, answers after questions', async () => {
    const nodes = await mesh(5);
    const [asker, answerer] = nodes as [NodeProcess, NodeProcess];
    answerEach(answerer, asker);
    const count = 1000;
    asker.send(...Array.from({ length: count }, (_, i) => `q${i}`));
    for (const node of nodes) {
      const expected = node === asker ? count : node === answerer ? count : 2 * count;
      await poll(
        () => (messages(node).length >= expected ? true : undefined),
        `${node.name} has ${expected} messages`,
        60_000,
        () => `${messages(node).length} so far`,
      );
    }
    for (const node of nodes) {
      const seen = texts(node);
      expect(new Set(seen).size, `${node.name} shows no duplicate`).toBe(seen.length);
      const position = new Map(seen.map((text, at) => [text, at]));
      for (let i = 0; i < count; i++) {
        const question = position.get(`q${i}`);
        const answer = position.get(`re: q${i}`);
        if (node !== asker) expect(question, `${node.name} shows q${i}`).toBeDefined();
        if (node !== answerer)
          expect(answer, `${node.name} shows the answer to q${i}`).toBeDefined();
        if (question !== undefined && answer !== undefined)
          expect(answer).toBeGreaterThan(question);
      }
    }
  });

  it('a full mesh of 8: each message crosses each link exactly once (counted by /stats)', async () => {
    const nodes = await mesh(8);
    const sender = nodes[3] as NodeProcess;
    const count = 50;
    sender.send(...Array.from({ length: count }, (_, i) => `m${i}`));
    for (const node of nodes) {
      if (node !== sender)
        await poll(
          () => (messages(node).length === count ? true : undefined),
          `${node.name} has all`,
          20_000,
          () => node.stdout,
        );
    }
    for (const node of nodes) node.send('/stats');
    for (const node of nodes) {
      const stats = await node.waitFor((e) => e.event === 'stats', 'stats');
      const links = stats.links as { id: string; sent: number; received: number }[];
      expect(links).toHaveLength(7);
      for (const link of links) {
        if (node === sender) expect(link).toMatchObject({ sent: count, received: 0 });
        else if (link.id === sender.id) expect(link).toMatchObject({ sent: 0, received: count });
        else expect(link).toMatchObject({ sent: 0, received: 0 });
      }
    }
  });
});
