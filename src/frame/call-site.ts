/**
 * Which line of the learner's code made a traffic event happen. The event is reported while the call that caused it
 * (ws.send, res.write, fetch, emit) is still on the stack, so the first frame of the side's own file (compiled code
 * names itself server.js or client.js) is that line. What the browser, the runtime or a library does by itself (a
 * message arriving, a timer of socket.io's) runs with no learner frame below it, and gets no line.
 */
import type { Insertion } from '../shared/compiled-code.js';
import type { TrafficDetails, TrafficInput } from '../shared/traffic.js';
import { locate } from './locate.js';

/** Deep enough to reach the learner's call under socket.io's encoder, engine and the shim's transport. */
const STACK_FRAMES = 40;

export function withCallSite(event: TrafficInput, insertions: Record<string, readonly Insertion[]>): TrafficInput {
  if (event.details.source) return event;
  // What a side reads (a message arriving at the client, a request at the server) and the raw wire chunks are never a
  // line of that side's code: no stack is taken for them, which are most events of a flood.
  const incoming = event.observer === 'server' ? 'c2s' : 's2c';
  if (event.direction === incoming || event.kind === 'bytes') return event;
  // A side's events come from its own file only: a client's send that the in-browser server reads in the same call
  // was caused by client.js, but it is the server's read, not a line of server.js.
  const where = callSite(event.observer === 'server' ? 'server.js' : 'client.js', insertions);
  return where ? { ...event, details: { ...event.details, source: where } } : event;
}

/** The first line of `file` on the stack now, if any. */
export function callSite(file: 'server.js' | 'client.js', insertions: Record<string, readonly Insertion[]>): TrafficDetails['source'] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES;
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  const own = stack
    ?.split('\n')
    .filter((line) => line.includes(file))
    .join('\n');
  return locate(own, { [file]: insertions[file] ?? [] });
}
