import type { OutputEvent, PeersEvent } from '../core/output-event.js';
import { inert } from './inert.js';
import type { Style } from './style.js';
import { plainStyle } from './style.js';

/** Local wall-clock time `HH:MM:SS` of an ISO time or epoch ms. */
export function localTime(time: string | number): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return '--:--:--';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * One event as the line(s) a person reads, without the trailing newline.
 * `label` is the member's display name (`name` or `name#abcd`). Everything
 * that came from the network is made inert before it is styled.
 */
export function formatHuman(
  event: OutputEvent,
  label: string | undefined,
  now: number,
  style: Style = plainStyle,
): string {
  switch (event.event) {
    case 'ready':
      return style.dim(
        `* ${inert(event.user)} listening on port ${event.port} (id ${event.id.slice(0, 8)}); /help lists commands`,
      );
    case 'join':
      return style.dim(`* ${inert(label ?? event.user)} joined (${inert(event.address)})`);
    case 'leave':
      return style.dim(
        `* ${inert(label ?? event.user)} left${event.reason === 'quit' ? '' : ' (lost)'}`,
      );
    case 'message': {
      const who = style.name(inert(label ?? event.from), event.origin);
      const time = style.dim(localTime(event.time));
      const text = `${inert(event.text)}${event.unmet === true ? ' (out of order)' : ''}`;
      if (event.action)
        return `${time} * ${who} ${text}${event.to === undefined ? '' : ' (to you)'}`;
      return event.to === undefined ? `${time} ${who}: ${text}` : `${time} ${who} → you: ${text}`;
    }
    case 'gap':
      return style.dim(
        `* ${event.missing} message(s) from ${inert(label ?? event.user)} (${inert(event.origin.slice(0, 8))}) could not be had from anyone; skipped`,
      );
    case 'stats': {
      if (event.links.length === 0) return style.dim('* no links yet');
      const rows = event.links.map(
        (link) =>
          `  ${inert(link.user)}#${link.id.slice(0, 4)}  sent ${link.sent} (${link.framesSent} frames)  received ${link.received} (${link.framesReceived} frames)`,
      );
      return style.dim(['* chat messages per link:', ...rows].join('\n'));
    }
    case 'whois': {
      const since =
        event.linkedForMs === null
          ? 'not linked now'
          : `linked for ${Math.round(event.linkedForMs / 1000)} s`;
      return [
        style.dim(`* ${inert(label ?? event.user)}: id ${event.id}`),
        style.dim(`  key fingerprint ${event.fingerprint ?? 'unknown (never linked directly)'}`),
        style.dim(`  address ${inert(event.address)}, ${event.state}, ${since}`),
      ].join('\n');
    }
    case 'peers':
      return formatPeers(event, now, style);
    case 'dm-delivered':
      return style.dim(`* delivered to ${inert(label ?? event.user)}`);
    case 'dm-undelivered':
      return style.dim(
        `* not delivered to ${inert(label ?? event.user)}: no receipt within ${event.waitedMs} ms`,
      );
  }
}

/**
 * `/peers`: one aligned row per member, the present first (linked,
 * connecting, known) and those that left (lost, quit) apart below them.
 */
function formatPeers(event: PeersEvent, now: number, style: Style): string {
  if (event.peers.length === 0) return style.dim(`* no members yet (${localTime(now)})`);
  const cells = event.peers.map((peer) => ({
    peer,
    label: `${inert(peer.user)}#${peer.id.slice(0, 4)}`,
    address: inert(peer.address),
  }));
  const labelWidth = Math.max(...cells.map((cell) => cell.label.length));
  const addressWidth = Math.max(...cells.map((cell) => cell.address.length));
  const row = ({ peer, label, address }: (typeof cells)[number]): string => {
    const rtt = peer.rtt === null ? '' : `  ${peer.rtt} ms`;
    const pad = ' '.repeat(labelWidth - label.length);
    return `  ${style.name(label, peer.id)}${pad}  ${address.padEnd(addressWidth)}  ${peer.state}${rtt}`.trimEnd();
  };
  const left = cells.filter(({ peer }) => peer.state === 'lost' || peer.state === 'quit');
  const present = cells.filter((cell) => !left.includes(cell));
  const lines = [style.dim(`* ${present.length} member(s) present:`), ...present.map(row)];
  if (left.length > 0) lines.push(style.dim(`* ${left.length} left:`), ...left.map(row));
  return lines.join('\n');
}
