import type { OutputEvent } from '../core/output-event.js';
import { inert } from './inert.js';

/** Local wall-clock time `HH:MM:SS` of an ISO time or epoch ms. */
export function localTime(time: string | number): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return '--:--:--';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * One event as the line(s) a person reads, without the trailing newline.
 * `label` is the member's display name (`name` or `name#abcd`).
 */
export function formatHuman(event: OutputEvent, label: string | undefined, now: number): string {
  // Everything that came from the network is made inert before it reaches the terminal.
  return event.event === 'peers' || event.event === 'stats'
    ? formatRaw(event, label, now)
    : inert(formatRaw(event, label, now));
}

function formatRaw(event: OutputEvent, label: string | undefined, now: number): string {
  switch (event.event) {
    case 'ready':
      return `* ${event.user} listening on port ${event.port} (id ${event.id.slice(0, 8)}); /help lists commands`;
    case 'join':
      return `* ${label ?? event.user} joined (${event.address})`;
    case 'leave':
      return event.reason === 'quit'
        ? `* ${label ?? event.user} left`
        : `* ${label ?? event.user} left (lost)`;
    case 'message':
      return `${localTime(event.time)} ${label ?? event.from}: ${event.text}`;
    case 'gap':
      return `* ${event.missing} message(s) from ${event.origin.slice(0, 8)} could not be had from anyone; skipped`;
    case 'stats': {
      if (event.links.length === 0) return '* no links yet';
      const rows = event.links.map(
        (link) =>
          `  ${link.user}#${link.id.slice(0, 4)}  sent ${link.sent}  received ${link.received}`,
      );
      return ['* chat messages per link:', ...rows.map(inert)].join('\n');
    }
    case 'peers': {
      if (event.peers.length === 0) return `* no members yet (${localTime(now)})`;
      const rows = event.peers.map(
        (peer) => `  ${peer.user}#${peer.id.slice(0, 4)}  ${peer.address}  ${peer.state}`,
      );
      return [`* ${event.peers.length} member(s):`, ...rows.map(inert)].join('\n');
    }
  }
}
