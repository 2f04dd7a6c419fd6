/** Listen and dial addresses as `host:port`, with IPv6 hosts in brackets. */

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` or `[v6]:port`; undefined when it is not one. */
export function parseHostPort(text: string): HostPort | undefined {
  const bracketed = /^\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]:(\d{1,5})$/.exec(text);
  const plain = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const match = bracketed ?? plain;
  if (match === null) return undefined;
  const host = match[1] ?? '';
  const port = Number(match[2]);
  if (host === '' || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/** `::ffff:127.0.0.1` is how an IPv4 peer looks on a dual-stack socket. */
export function plainHost(host: string): string {
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
}

export function formatHostPort(host: string, port: number): string {
  const plain = plainHost(host);
  return plain.includes(':') ? `[${plain}]:${port}` : `${plain}:${port}`;
}

/** The host part of a `host:port` the edges produced (brackets removed). */
export function hostOf(address: string): string {
  const parsed = parseHostPort(address);
  return parsed === undefined ? address : parsed.host;
}

/** True for addresses nobody can dial: the unspecified ones. */
export function isUnspecifiedHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

/** True for hosts that name no one node: IPv4 multicast (224/4), broadcast, IPv6 multicast (ff00::/8). */
export function isGroupHost(host: string): boolean {
  const v4 = /^(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4 !== null) {
    const first = Number(v4[1]);
    return (first >= 224 && first <= 239) || host === '255.255.255.255';
  }
  return /^ff[0-9a-f]{2}:/i.test(host);
}

/**
 * True for a `host:port` another node can dial: well formed, and its host
 * neither unspecified (`0.0.0.0`, `::`) nor a group (multicast, broadcast).
 */
export function isDialable(address: string): boolean {
  const parsed = parseHostPort(address);
  return parsed !== undefined && !isUnspecifiedHost(parsed.host) && !isGroupHost(parsed.host);
}
