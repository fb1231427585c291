/**
 * Which line of the learner's code made a traffic event happen. The event is reported while the call that caused it
 * (ws.send, res.write, fetch, emit) is still on the stack, so the first frame of the side's own file (compiled code
 * names itself server.js or client.js) is that line. What the browser, the runtime or a library does by itself (a
 * message arriving, a timer of socket.io's) runs with no learner frame below it, and gets no line.
 */
import { originalColumn, type Insertion } from '../shared/compiled-code.js';
import { sourceDetails, type SourceLookup, type TrafficInput } from '../shared/traffic.js';
import { locate } from './locate.js';
import { clockNow } from '../shared/clock.js';

/** Deep enough to reach the learner's call under socket.io's encoder, engine and the shim's transport. */
const STACK_FRAMES = 40;

/**
 * Stacks taken per second in this frame. A stack costs 12–20 µs (`npm run bench:mocks -- --profile`: 8–10% of the
 * WebSocket and SSE floods' main thread, one per frame or write); a person reads a handful of lines, and a flood past
 * this rate names the first writes of each second and marks the rest `unlocated`, so no view says "not your code" of
 * them. Real mode's preload has the same kind of budget for the server's writes (server/child/wire-record.cjs).
 */
export const CALL_SITES_PER_SECOND = 1000;
let windowStart = -Infinity;
let windowLeft = 0;

function spend(): boolean {
  const now = clockNow();
  if (now - windowStart >= 1000) {
    windowStart = now;
    windowLeft = CALL_SITES_PER_SECOND;
  }
  if (windowLeft <= 0) return false;
  windowLeft--;
  return true;
}

export function withCallSite(event: TrafficInput, insertions: Record<string, readonly Insertion[]>): TrafficInput {
  if (event.details.source || event.details.unlocated) return event;
  // What a side reads (a message arriving at the client, a request at the server) and the raw wire chunks are never a
  // line of that side's code: no stack is taken for them, which are most events of a flood.
  const incoming = event.observer === 'server' ? 'c2s' : 's2c';
  if (event.direction === incoming || event.kind === 'bytes') return event;
  // A side's events come from its own file only: a client's send that the in-browser server reads in the same call
  // was caused by client.js, but it is the server's read, not a line of server.js.
  const where = callSite(event.observer === 'server' ? 'server.js' : 'client.js', insertions);
  return where === undefined ? event : { ...event, details: { ...event.details, ...sourceDetails(where) } };
}

/**
 * The first line of `file` on the stack now, if any; null when this second's budget is spent and it was not looked
 * up. A shim that reports the event later (a frame, when it is delivered) keeps the null: asked again then, with the
 * learner's call gone from the stack and a new second's budget, the event would read as the browser's own doing.
 */
export function callSite(file: 'server.js' | 'client.js', insertions: Record<string, readonly Insertion[]>): SourceLookup {
  if (!spend()) return null;
  const frame = firstFrameOf(file);
  if (!frame) return undefined;
  return { file, line: frame.line, column: originalColumn(insertions[file] ?? [], frame.line, frame.column) };
}

/** V8's structured stack frame (https://v8.dev/docs/stack-trace-api), the part of it read here. */
interface V8CallSite {
  getScriptNameOrSourceURL?(): string | null;
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
}
type StackErrorConstructor = ErrorConstructor & { prepareStackTrace?: (error: Error, frames: V8CallSite[]) => unknown };

/**
 * The stack as V8's structured frames, read through `Error.prepareStackTrace` for this one capture, instead of the
 * text of `error.stack`.
 * @note Measured (`npm run bench:mocks -- --profile`): formatting the text of 40 frames and parsing it back was the
 * top function of every flood (12–15% of the WebSocket and socket.io phases' main thread, a write each); structured
 * frames cost about half, and only the learner's frame is asked for its line. A short capture first (retrying deep
 * when it was cut) cost more under socket.io than it saved elsewhere. Where V8's API is missing (another engine),
 * the text is read as before.
 */
function firstFrameOf(file: string): { line: number; column: number } | undefined {
  const E = Error as StackErrorConstructor;
  const limit = E.stackTraceLimit;
  const prepare = E.prepareStackTrace;
  let found: { line: number; column: number } | undefined;
  let structured = false;
  let stack: string | undefined;
  try {
    // Inside the try: learner code may have frozen Error, and a traffic event must never throw into its ws.send.
    E.stackTraceLimit = STACK_FRAMES;
    E.prepareStackTrace = (_error, frames) => {
      structured = true;
      for (const frame of frames) {
        const name = frame.getScriptNameOrSourceURL?.() ?? frame.getFileName();
        if (name !== file) continue;
        const line = frame.getLineNumber();
        const column = frame.getColumnNumber();
        if (line !== null && column !== null) found = { line, column };
        break;
      }
      return '';
    };
    stack = new Error().stack;
  } catch {
    return undefined;
  } finally {
    try {
      E.stackTraceLimit = limit;
      E.prepareStackTrace = prepare;
    } catch {
      // frozen: nothing was changed either
    }
  }
  if (structured) return found;
  const where = locate(
    stack
      ?.split('\n')
      .filter((line) => line.includes(file))
      .join('\n'),
    { [file]: [] },
  );
  return where && { line: where.line, column: where.column };
}
