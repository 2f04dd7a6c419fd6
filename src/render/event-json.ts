import type { OutputEvent } from '../core/output-event.js';
import { quote } from '../protocol/json-text.js';

interface SharedFields {
  readonly from: string;
  readonly origin: string;
  readonly time: string;
  readonly head: string;
  readonly timeField: string;
  /** One of `from`, `origin` and `time` holds a character escapeControls escapes. */
  readonly raw: boolean;
}

/**
 * Makes the writer of `--json` lines, `JSON.stringify(event)` with DEL, C1
 * controls and U+2028/U+2029 escaped (see escapeControls): a
 * message (the event printed thousands of times a second) is written by
 * hand, field by field in the order the core builds it; every other event
 * goes through `JSON.stringify`. Each writer keeps its own cache, so one
 * output's messages never change what another prints.
 */
export function makeEventJson(): (event: OutputEvent) => string {
  // Consecutive messages mostly share sender and time: their quoted fields are kept.
  let shared: SharedFields | undefined;
  return eventLine;

  function eventLine(event: OutputEvent): string {
    // Direct and unmet messages are rare: they take the general way.
    if (event.event !== 'message' || event.to !== undefined || event.unmet === true)
      return escapeControls(JSON.stringify(event));
    let fields = shared;
    if (
      fields === undefined ||
      event.from !== fields.from ||
      event.origin !== fields.origin ||
      event.time !== fields.time
    ) {
      fields = {
        from: event.from,
        origin: event.origin,
        time: event.time,
        head: `{"event":"message","from":${quote(event.from)},"origin":${quote(event.origin)},"id":`,
        timeField: `,"time":${quote(event.time)},"history":`,
        raw: hasRawControl(event.from + event.origin + event.time),
      };
      shared = fields;
    }
    const line = `${fields.head}${quote(event.id)},"text":${quote(event.text)}${fields.timeField}${event.history},"action":${event.action}}`;
    // Only the strings can hold such a character: the line is scanned only when one of them does.
    const raw = fields.raw || hasRawControl(event.text) || hasRawControl(event.id);
    return raw ? escapeControls(line) : line;
  }
}

/**
 * What JSON leaves raw inside strings and a terminal may still act on: DEL,
 * the C1 controls (U+0080–U+009F; U+009B is a CSI) and the line and
 * paragraph separators. Outside strings a JSON line has none of them.
 */
const RAW_CONTROL = /[\u007f-\u009f\u2028\u2029]/g;

/** True when the text holds a character escapeControls escapes. */
function hasRawControl(text: string): boolean {
  RAW_CONTROL.lastIndex = 0;
  return RAW_CONTROL.test(text);
}

/** The line with every such character written as a `\uXXXX` escape: the same JSON value. */
export function escapeControls(line: string): string {
  if (!hasRawControl(line)) return line;
  return line.replace(
    RAW_CONTROL,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
