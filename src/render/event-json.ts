import type { OutputEvent } from '../core/output-event.js';
import { quote } from '../protocol/json-text.js';

/**
 * One `--json` line, exactly `JSON.stringify(event)`: a message (the event
 * printed thousands of times a second) is written by hand, field by field in
 * the order the core builds it; every other event goes through `JSON.stringify`.
 */
export function eventJson(event: OutputEvent): string {
  if (event.event !== 'message' || event.to !== undefined) return JSON.stringify(event);
  return (
    `{"event":"message","from":${quote(event.from)},"origin":${quote(event.origin)},` +
    `"id":${quote(event.id)},"text":${quote(event.text)},"time":${quote(event.time)},` +
    `"history":${event.history},"action":${event.action}}`
  );
}
