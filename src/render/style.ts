/** How human output is decorated: colours on a terminal, nothing otherwise. */
export interface Style {
  /** A member's name, in a colour of its own (stable: chosen from its id). */
  name(label: string, id: string): string;
  /** System lines (joins, leaves, notices) and time stamps. */
  dim(text: string): string;
}

export const plainStyle: Style = {
  name: (label) => label,
  dim: (text) => text,
};

const PALETTE = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96];

/** FNV-1a: a tiny, stable hash, so a member keeps its colour on every screen. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const colorStyle: Style = {
  name: (label, id) => `\x1b[${PALETTE[hash(id) % PALETTE.length]}m${label}\x1b[39m`,
  dim: (text) => `\x1b[2m${text}\x1b[22m`,
};

/** Colour only on a terminal, and never with NO_COLOR set (any value) or --no-color. */
export function wantsColor(
  isTty: boolean,
  env: Readonly<Record<string, string | undefined>>,
  noColor: boolean,
): boolean {
  return isTty && !noColor && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
