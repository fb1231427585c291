/**
 * A request head as the browser would have written it, from the headers the service worker was handed (lower-case
 * names, in the order the Fetch API keeps them). Names are written as Chromium spells them on the wire.
 */
const SPELLED: Record<string, string> = {
  'last-event-id': 'Last-Event-ID',
  'sec-websocket-key': 'Sec-WebSocket-Key',
  'sec-websocket-version': 'Sec-WebSocket-Version',
  'sec-websocket-extensions': 'Sec-WebSocket-Extensions',
  'sec-websocket-protocol': 'Sec-WebSocket-Protocol',
};

export function wireName(name: string): string {
  return SPELLED[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

export function requestHeadText(method: string, target: string, headers: Record<string, string>): string {
  let out = `${method} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) out += `${wireName(name)}: ${value}\r\n`;
  return out + '\r\n';
}
