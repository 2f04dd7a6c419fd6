#!/usr/bin/env node
/**
 * Part of `npm run lint`: no module-level mutable state in src/. State lives in
 * closures made by whoever needs it (e.g. makeEventJson(), cachedPublicKeys()),
 * so two nodes, outputs or tests in one process never share it.
 *
 * A heuristic over each file's top-level statements (TypeScript's parser, no
 * type checking). It reports:
 *   - a top-level `let` or `var`;
 *   - a top-level `const` made by `new Map|Set|WeakMap|WeakSet|Array(…)`,
 *     `Array.from|of(…)` or an RxJS subject, unless its declared type is
 *     `ReadonlyMap`, `ReadonlySet`, `ReadonlyArray`, `readonly …[]` or `Readonly<…>`;
 *   - a top-level `const` array or object literal (not `as const`, not
 *     readonly-typed, not `Object.freeze`d) that is written to: assigned into,
 *     `++`/`--`, `delete`d, `Object.assign`ed, or called with a mutating method
 *     (push, set, add, …). Writes are matched by name, in its own file and, for
 *     an exported one, anywhere scanned (an import under another name, or a
 *     write through a function it is passed to, is not seen).
 * What it does not see: class static fields, state inside other objects made
 * at the top level, and mutation through aliases.
 *
 * Usage: node scripts/check-source.mjs [dir ...]  (default: src). Exit 1 on findings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * Module-level state that stays, as `path:name` → why. An entry that no longer
 * matches anything fails the check too, so the list only shrinks.
 */
const ALLOWED = Object.freeze({});

const CONTAINERS = new Set([
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Array',
  'Subject',
  'BehaviorSubject',
  'ReplaySubject',
  'AsyncSubject',
]);
const MUTATORS = new Set([
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
  'set',
  'add',
  'delete',
  'clear',
  'next',
]);
const READONLY_TYPE = /^(Readonly(Set|Map|Array)?<|readonly\s)/;
const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

/** The expression under parentheses, `as`, `satisfies` and `!`. */
function bare(node) {
  let e = node;
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isNonNullExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

/** The variable a property or element access starts from (`a` in `a.b[c].d`). */
function rootName(node) {
  let e = bare(node);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e))
    e = bare(e.expression);
  return ts.isIdentifier(e) ? e.text : undefined;
}

function isAsConst(node) {
  let e = node;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) {
    if (ts.isAsExpression(e) && e.type.getText() === 'const') return true;
    e = e.expression;
  }
  return false;
}

function calleeName(call) {
  const callee = bare(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    return `${callee.expression.text}.${callee.name.text}`;
  }
  return undefined;
}

/** 'container', 'literal' or undefined: what kind of top-level const this is, if mutable. */
function constKind(declaration) {
  const init = declaration.initializer;
  if (init === undefined) return undefined;
  if (declaration.type !== undefined && READONLY_TYPE.test(declaration.type.getText())) {
    return undefined;
  }
  const e = bare(init);
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) {
    return CONTAINERS.has(e.expression.text) ? 'container' : undefined;
  }
  if (ts.isCallExpression(e)) {
    const name = calleeName(e);
    return name === 'Array.from' || name === 'Array.of' ? 'container' : undefined;
  }
  const literal = ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e);
  return literal && !isAsConst(init) ? 'literal' : undefined;
}

function isExported(statement) {
  return (statement.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** Top-level declarations: `let`/`var` and mutable containers now, literals to watch. */
function topLevel(file, source, findings, literals) {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of list.declarations) {
      const name = declaration.name.getText(source);
      const line = source.getLineAndCharacterOfPosition(declaration.getStart(source)).line + 1;
      const at = { file, line, name };
      if (!isConst) {
        findings.push({
          ...at,
          what: `top-level ${list.flags & ts.NodeFlags.Let ? 'let' : 'var'}`,
        });
        continue;
      }
      const kind = constKind(declaration);
      if (kind === 'container') {
        findings.push({
          ...at,
          what: 'a mutable collection or subject',
        });
      } else if (kind === 'literal') {
        literals.push({ ...at, exported: isExported(statement) });
      }
    }
  }
}

/** Names written to in a file: `x.a = …`, `x[i]++`, `delete x.a`, `x.push(…)`, `Object.assign(x, …)`. */
function writtenNames(source) {
  const names = new Set();
  const visit = (node) => {
    let target;
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
    ) {
      target = bare(node.left);
    } else if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken ||
        node.operator === ts.SyntaxKind.MinusMinusToken)
    ) {
      target = bare(node.operand);
    } else if (ts.isDeleteExpression(node)) {
      target = bare(node.expression);
    } else if (ts.isCallExpression(node)) {
      const callee = bare(node.expression);
      const name = calleeName(node);
      if (ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text)) {
        names.add(rootName(callee.expression));
      } else if (name === 'Object.assign' || name === 'Object.defineProperty') {
        if (node.arguments[0] !== undefined) names.add(rootName(node.arguments[0]));
      }
    }
    if (
      target !== undefined &&
      (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target))
    ) {
      names.add(rootName(target));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

function check(dirs) {
  const findings = [];
  const literals = [];
  const written = new Map();
  for (const path of dirs.flatMap(sourceFiles)) {
    const file = relative(process.cwd(), path).split(sep).join('/');
    const text = readFileSync(path, 'utf8');
    const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    topLevel(file, source, findings, literals);
    written.set(file, writtenNames(source));
  }
  for (const literal of literals) {
    const writers = [...written].filter(
      ([file, names]) => (literal.exported || file === literal.file) && names.has(literal.name),
    );
    if (writers.length > 0) {
      const where = writers.map(([file]) => file).join(', ');
      findings.push({ ...literal, what: `a literal written to (in ${where})` });
    }
  }
  return { findings, scanned: new Set(written.keys()) };
}

const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['src'];
const { findings, scanned } = check(dirs);
const problems = findings
  .filter(({ file, name }) => !(`${file}:${name}` in ALLOWED))
  .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
const used = new Set(findings.map(({ file, name }) => `${file}:${name}`));
for (const { file, line, name, what } of problems) {
  console.error(`${file}:${line}: "${name}": module-level mutable state, ${what}`);
}
const stale = Object.keys(ALLOWED).filter(
  (key) => scanned.has(key.slice(0, key.lastIndexOf(':'))) && !used.has(key),
);
for (const key of stale) console.error(`${key}: allowed in scripts/check-source.mjs but not found`);
if (problems.length + stale.length > 0) {
  console.error(
    'check-source: keep state in a closure made by its owner (see scripts/check-source.mjs).',
  );
  process.exit(1);
}
console.log(`check-source: no module-level mutable state in ${dirs.join(', ')}`);
