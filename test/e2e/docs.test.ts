import { readFileSync } from 'node:fs';
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
    // The README's --json example: every line has the shape of a real event of its kind.
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const lines = readme.split('\n').filter((line) => line.startsWith('{"event":'));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const real = alice.events.map((event) => JSON.stringify(shapeOf(event)));
    for (const line of lines)
      expect(real, `README: ${line}`).toContain(JSON.stringify(shapeOf(JSON.parse(line))));
    // Message ids are <origin>.<incarnation>:<seq>, as the README and EVENTS.md give them.
    const message = alice.events.find((e) => e.event === 'message' && e.to === undefined);
    expect(String(message?.id)).toMatch(/^[0-9a-f]{16}\.[0-9a-f]+:\d+$/);
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
