/**
 * Makes text from the network safe to print on a terminal: control characters
 * and the characters that reorder text are shown as visible, inert text, so a
 * peer cannot move the cursor, clear the screen, set the window title or hide
 * what it wrote.
 *
 * - C0 controls but tab, and DEL, become caret form: ESC → `^[`, BEL → `^G`, DEL → `^?`.
 * - C1 controls (U+0080–U+009F), bidirectional overrides, embeddings and
 *   isolates, and the line and paragraph separators become `\u009b` and so on.
 */

const UNSAFE_CLASS =
  '[\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]';
/** For a quick check (no `g`: a global regex keeps state between calls). */
const HAS_UNSAFE = new RegExp(UNSAFE_CLASS);
const UNSAFE = new RegExp(UNSAFE_CLASS, 'g');

function inertChar(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

export function inert(text: string): string {
  return HAS_UNSAFE.test(text) ? text.replace(UNSAFE, inertChar) : text;
}
