/** `/help`: each command and what it does. */
export const COMMAND_HELP: readonly (readonly [string, string])[] = [
  ['/msg <name> <text>', 'a direct message only that member can read (name#abcd picks one of two)'],
  ['/me <action>', 'an action: /me waves shows as * alice waves'],
  ['/peers', 'list the members, their addresses, link state and round-trip time'],
  ['/whois <name>', "a member's id, key fingerprint, address and how long it has been linked"],
  ['/stats', 'count the chat messages sent to and read from each member'],
  ['/help', 'show this list'],
  ['/quit', 'leave the chat (so do Ctrl+C and Ctrl+D)'],
  ['//text', 'send "/text" literally'],
];

/** The `/help` lines, the commands in a column. */
export function commandHelpLines(): string[] {
  return COMMAND_HELP.map(([name, text]) => `${name.padEnd(20)} ${text}`);
}
