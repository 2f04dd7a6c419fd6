#!/usr/bin/env node
// A scripted chat: three rxchat nodes on 127.0.0.1 hold the conversation in
// conversation.txt (one "name: line" per line), each line sent only after the
// others have shown the previous one, then all three leave. Prints the
// transcript as the members saw it, and exits 0 when every node exited 0.
//
//   npm install && node examples/scripted-chat.mjs

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/bin/rxchat.js', import.meta.url));
const script = readFileSync(new URL('./conversation.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.includes(': '))
  .map((line) => {
    const at = line.indexOf(': ');
    return { who: line.slice(0, at), text: line.slice(at + 2) };
  });

/** Starts a node with --json and collects its events. */
function start(name, peers) {
  const child = spawn(
    process.execPath,
    [bin, '0', name, ...peers, '--host', '127.0.0.1', '--json'],
    {
      stdio: ['pipe', 'pipe', 'ignore'],
    },
  );
  const node = {
    name,
    child,
    events: [],
    listeners: new Set(),
    exit: new Promise((resolve) => child.on('close', resolve)),
  };
  let partial = '';
  child.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      node.events.push(JSON.parse(line));
      for (const listener of node.listeners) listener();
    }
  });
  return node;
}

/** Resolves with the first event that matches, waiting at most 10 s. */
function waitFor(node, match) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${node.name}: timed out`)), 10_000);
    const check = () => {
      const found = node.events.find(match);
      if (found === undefined) return;
      clearTimeout(timer);
      node.listeners.delete(check);
      resolve(found);
    };
    node.listeners.add(check);
    check();
  });
}

const clock = (iso) => new Date(iso).toTimeString().slice(0, 8);

const alice = start('alice', []);
const { port } = await waitFor(alice, (e) => e.event === 'ready');
const bob = start('bob', [`127.0.0.1:${port}`]);
const carol = start('carol', [`127.0.0.1:${port}`]);
const nodes = { alice, bob, carol };
for (const node of Object.values(nodes)) {
  const others = Object.values(nodes).filter((other) => other !== node);
  await Promise.all(
    others.map((other) => waitFor(node, (e) => e.event === 'join' && e.user === other.name)),
  );
}
console.log(`* alice, bob and carol are linked (alice listens on port ${port})`);

for (const { who, text } of script) {
  const speaker = nodes[who];
  speaker.child.stdin.write(`${text}\n`);
  const action = text.startsWith('/me ');
  const shown = action ? text.slice(4) : text;
  const listeners = Object.values(nodes).filter((node) => node !== speaker);
  const [event] = await Promise.all(
    listeners.map((node) =>
      waitFor(node, (e) => e.event === 'message' && e.from === who && e.text === shown),
    ),
  );
  console.log(
    action ? `${clock(event.time)} * ${who} ${shown}` : `${clock(event.time)} ${who}: ${shown}`,
  );
}

for (const node of Object.values(nodes)) node.child.stdin.end();
const codes = await Promise.all(Object.values(nodes).map((node) => node.exit));
console.log(`* everyone left; exit codes ${codes.join(', ')}`);
process.exitCode = codes.every((code) => code === 0) ? 0 : 1;
