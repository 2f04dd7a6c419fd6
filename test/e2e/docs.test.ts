import { afterEach, describe, expect, it } from 'vitest';
import { validateFrame } from '../../src/protocol/validate-frame.js';
import { docExamples, shapeOf } from '../helpers/doc-examples.js';
import { killAll, poll, startNode } from '../helpers/node-process.js';
import { rawConnect } from '../helpers/raw-client.js';

afterEach(killAll);

describe('docs/EVENTS.md matches the code', () => {
  it('every real --json event has exactly the fields and types documented for its kind', async () => {
    // A kind may be documented by several examples (a direct message has `to`): any of them fits.
    const documented = new Map<string, unknown[]>();
    for (const example of docExamples('EVENTS.md')) {
      documented.set(String(example.event), [
        ...(documented.get(String(example.event)) ?? []),
        shapeOf(example),
      ]);
    }
    const alice = await startNode('alice');
    const bob = await startNode('bob', [alice.address]);
    await alice.waitFor((e) => e.event === 'join', 'join');
    bob.send('hi', '/msg alice psst');
    await alice.waitFor((e) => e.event === 'message' && e.to !== undefined, 'direct message');
    alice.send('/peers', '/stats');
    await alice.waitFor((e) => e.event === 'peers', 'peers');
    await alice.waitFor((e) => e.event === 'stats', 'stats');
    bob.send('/quit');
    await alice.waitFor((e) => e.event === 'leave', 'leave');
    const kinds = new Set(alice.events.map((e) => e.event));
    expect([...kinds].sort()).toEqual(['join', 'leave', 'message', 'peers', 'ready', 'stats']);
    for (const event of alice.events) {
      expect(documented.has(event.event), `"${event.event}" is documented`).toBe(true);
      expect(documented.get(event.event), `shape of ${event.event}`).toContainEqual(shapeOf(event));
    }
    expect(alice.events[0]?.event).toBe('ready');
  });
});

describe('docs/PROTOCOL.md matches the code', () => {
  const examples = docExamples('PROTOCOL.md');

  it('every documented frame is accepted by the validator', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const example of examples)
      expect(validateFrame(example), JSON.stringify(example)).toMatchObject({ ok: true });
  });

  it('every frame a real node sends is valid and uses only documented fields', async () => {
    const documentedKeys = new Map<string, Set<string>>();
    for (const example of examples) {
      const keys = documentedKeys.get(String(example.type)) ?? new Set<string>();
      for (const key of Object.keys(example)) keys.add(key);
      documentedKeys.set(String(example.type), keys);
    }
    documentedKeys.get('hello')?.add('advertise');
    documentedKeys.get('bye')?.add('detail');
    documentedKeys.get('chat')?.add('replay');
    const alice = await startNode('alice', [], { args: ['--peer-timeout', '300'] });
    await startNode('bob', [alice.address]);
    await alice.waitFor((e) => e.event === 'join', 'bob');
    const client = await rawConnect(alice.port, { answerPings: true });
    client.hello('probe');
    await alice.waitFor((e) => e.event === 'join' && e.id === client.id, 'probe joined');
    alice.send('hello probe');
    const seen = (type: string) =>
      poll(
        () => client.frames().find((f) => f.type === type),
        `a ${type} frame`,
        10_000,
        () => client.lines.join('\n'),
      );
    await seen('chat');
    await seen('ping');
    await seen('members');
    alice.send('/quit');
    await client.closed();
    const frames = client.frames();
    expect(new Set(frames.map((f) => f.type))).toEqual(
      new Set(['hello', 'proof', 'members', 'have', 'links', 'chat', 'ping', 'bye']),
    );
    for (const frame of frames) {
      expect(validateFrame(frame)).toMatchObject({ ok: true });
      for (const key of Object.keys(frame))
        expect(documentedKeys.get(String(frame.type))?.has(key), `${frame.type}.${key}`).toBe(true);
    }
  });
});
