import type { SeedLine } from '../protocol/seed-frames.js';

/**
 * What a line from an original (the Python exercise) means: a notice of its
 * coming or going — ordinary frames there, with nothing to mark them — or a
 * chat line; its message id; and its local time, in UTC.
 */

/** The notices the original and its variants send, as the text after `<name>:\n\t`. */
export type SeedNotice = 'connected' | 'joined' | 'disconnecting' | 'left';

const NOTICES: readonly { readonly notice: SeedNotice; readonly pattern: RegExp }[] = [
  { notice: 'connected', pattern: /^has connected from \S{1,300}!$/ },
  { notice: 'joined', pattern: /^has joined the chat!$/ },
  { notice: 'disconnecting', pattern: /^is disconnecting!$/ },
  { notice: 'left', pattern: /^has left the chat!$/ },
];

/** The notice a line is, or undefined for a chat line. */
export function seedNotice(line: SeedLine): SeedNotice | undefined {
  return NOTICES.find(({ pattern }) => pattern.test(line.text))?.notice;
}

/** Whether a notice says its sender is here (a join) rather than going (a leave). */
export function isArrival(notice: SeedNotice): boolean {
  return notice === 'connected' || notice === 'joined';
}

/**
 * A chat line's message id: `seed:` and the first 16 hex digits of the
 * SHA-256 of its name, time and text (one line each, as JSON), so the same
 * line seen twice (an echo) has one id.
 */
export function seedMessageId(line: SeedLine, sha256: (text: string) => string): string {
  const digest = sha256(
    [line.name, line.time, line.text].map((part) => JSON.stringify(part)).join('\n'),
  );
  return `seed:${digest.slice(0, 16)}`;
}

/** A wall-clock time's fields, as the original writes them (month 1–12). */
export interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly ms: number;
}

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** The fields of `YYYY-MM-DDTHH:MM:SS[.ffffff]` (Python's isoformat of a local time), or undefined. */
export function parseLocalTime(time: string): LocalTime | undefined {
  const match = ISO_LOCAL.exec(time);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const fraction = match[7];
  const local: LocalTime = {
    year: year ?? 0,
    month: month ?? 0,
    day: day ?? 0,
    hour: hour ?? 0,
    minute: minute ?? 0,
    second: second ?? 0,
    ms: fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000),
  };
  const inRange =
    local.month >= 1 &&
    local.month <= 12 &&
    local.day >= 1 &&
    local.day <= 31 &&
    local.hour <= 23 &&
    local.minute <= 59 &&
    local.second <= 60;
  return inRange ? local : undefined;
}

/**
 * An original's time in UTC (ISO 8601): read as a time of this node's time
 * zone (`toEpoch` says when that wall-clock time is here), or undefined when
 * it is no time.
 */
export function seedTimeUtc(
  time: string,
  toEpoch: (local: LocalTime) => number,
): string | undefined {
  const local = parseLocalTime(time);
  if (local === undefined) return undefined;
  const epoch = toEpoch(local);
  return Number.isFinite(epoch) ? new Date(epoch).toISOString() : undefined;
}
