'use strict';
/*
 * Records the wire of the learner's servers, in the child, for the page's Traffic views (issue 14): every socket a
 * net.Server of this process accepts (HTTP, SSE, ws and socket.io alike, and the same socket after an 'upgrade'
 * handed it over), each read and each write exactly as it went to or came from the kernel, with its time.
 *
 * Where it hooks, and why there:
 * - Writes: the socket's _writeGeneric, which every write and writev of a net.Socket reaches once Writable has
 *   released it to the handle. What it gets is what the HTTP machinery made of the learner's calls: status line,
 *   the headers Node adds, chunk framing, ws's frames. Hooking res.write or ws.send would record intentions instead.
 * - Reads: the socket's push(), which Node's stream code calls with each buffer the handle read; and, for an HTTP
 *   server's connections, the parser's callbacks. Node lets an HTTP server's C++ parser read the handle directly
 *   (parser.consume in lib/_http_server.js), so no request's bytes pass through push(). Each read the parser takes
 *   is seen at the first JavaScript callback it makes (headers complete, body, message complete, or the execute
 *   callback that follows every read), where parser.getCurrentBuffer() gives the read's bytes: before the learner's
 *   handler runs, so a read is recorded before the write it caused. Forcing Node's JavaScript read path instead
 *   (marking the handle consumed, as it did until 2026-12) cost keep-alive GETs a tenth of the server's CPU (a profile:
 *   onStreamRead, the Readable machinery, socketOnData), more than the whole record was allowed to cost. Once Node
 *   hands the socket to JavaScript (an 'upgrade', a 'data' listener), reads come through push() again.
 *
 * Bounded, so a flood cannot grow this process, the backend or the page: at most RAW_PER_SECOND bytes of payload are
 * kept each second and at most CHUNKS_PER_SECOND records; past those, bytes are counted and not kept (rawDropped), and
 * further reads or writes of a connection are merged into its record of the batch. Batches go to the backend over
 * the IPC channel every BATCH_MS; while the channel is backed up, payload is dropped, never queued. A failure here is
 * swallowed: the learner's server must behave as if nothing were recording it.
 *
 * Off when the backend starts the child with PUSHLAB_WIRE=0 (a run asked not to record, e.g. the benchmark's
 * baseline).
 */
const net = require('net');
const http = require('http');
// The module's Buffer, not the global: on Node 20 the global is a getter, read at every write of a flood (a profile).
const { Buffer } = require('buffer');

const BATCH_MS = 20;
/** Payload kept per second across all connections. Matches the backend's replay budget of 1 MiB per run. */
const RAW_PER_SECOND = 1024 * 1024;
/**
 * Records per second; a flood of small writes would otherwise cost a record each. Twice the rate the views are built
 * to draw (1,000 events a second), and a fifth of the page's buffer (10,000 events) a second.
 */
const CHUNKS_PER_SECOND = 2000;
/** What one record keeps at most: the traffic event's BODY_LIMIT (src/shared/traffic.ts). */
const CHUNK_LIMIT = 64 * 1024;

const RECORDED = Symbol('pushlab.wireRecorded');
const CONN = Symbol('pushlab.wireConn');
const PORT = Symbol('pushlab.wirePort');
/** The handle's bytesRead at the last read recorded from the parser (see readsOfParser). */
const READ_TO = Symbol('pushlab.wireReadTo');
/**
 * Set when a callback of the parser has recorded the read under way; the execute callback that ends each read clears
 * it, so the read's later callbacks skip the handle's bytesRead (a C++ accessor, and the wrapper was the largest part
 * of a keep-alive GET's record in a profile). Only on a socket whose execute callback is wrapped (EXECUTE_HOOKED).
 */
const READ_SEEN = Symbol('pushlab.wireReadSeen');
const EXECUTE_HOOKED = Symbol('pushlab.wireExecuteHooked');
/**
 * Writes per second that are asked which line of server.js made them (a stack each, ~20 µs, measured): a flood's first
 * writes of each second name their line, the rest do not; a person reads a handful. Browser mode has a budget of its
 * own for the same reason (CALL_SITES_PER_SECOND in src/frame/call-site.ts), larger because its stacks also name the
 * server's API events, which real mode does not record.
 */
const SOURCES_PER_SECOND = 100;
/** The learner's file: the backend writes server.js into the child's working directory and runs it from there. */
const LEARNER_FILE = require('path').join(process.cwd(), 'server.js');
let windowSources = 0;

let nextConn = 1;
/**
 * Records of the batch under way: [conn, port, dir, time, bytes, kept bytes (a copy) or null, merged, line, column],
 * dir 0 read, 1 write (line and column of server.js that wrote it, 0 when none); and
 * [conn, port, 2, time, 0, null, 1, closed by (0 client, 1 server), reset (0/1)] when a socket closes. A write's
 * record also holds, past those, what merging into it needs (see countLater): [9] its socket, [10] the socket's
 * bytes dispatched as far as the record counts them, [11] writes merged since whose bytes flush() reads off the socket.
 */
let batch = [];
/** The batch's last record of each connection and direction, for merging past CHUNKS_PER_SECOND. */
let lastOf = new Map();
/** The batch's write records with writes counted but not yet measured ([11] > 0). */
let unmeasured = [];
let timer;
let windowStart = 0;
let windowRaw = 0;
let windowChunks = 0;
/** process.send reported a backlog: keep no payload until the channel has drained. */
let congested = false;

/**
 * Records carry performance.now(); the batch adds this origin, so each is an absolute time the backend puts on the
 * run's clock (it stamps its own with the same kind of time). Read once: the getter is not free, and a flood calls
 * for times at its rate.
 */
const ORIGIN = performance.timeOrigin;

function toBuffer(chunk, encoding) {
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding || 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.alloc(0);
}

function lengthOf(chunk, encoding) {
  if (typeof chunk !== 'string') return chunk.byteLength || 0;
  // One byte per character: Node's HTTP writes its heads and chunk sizes as latin1, and Buffer.byteLength would first
  // normalise the encoding's name, a third of what measuring cost in a profile of an SSE flood.
  if (encoding === 'latin1' || encoding === 'binary' || encoding === 'ascii') return chunk.length;
  // Named or not, UTF-8 takes byteLength's path for no encoding, which skips the name's lookup.
  return !encoding || encoding === 'utf8' ? Buffer.byteLength(chunk) : Buffer.byteLength(chunk, encoding);
}

/**
 * The line of server.js on the stack now, as [line, column], or null: what the learner's code was doing when it handed
 * bytes to a socket (res.write, ws.send, emit all write before they return). V8's structured frames, not the stack's
 * text: code that made Error's stack settings read-only, or replaced them, gets no line, never an exception.
 */
function learnerLine() {
  if (windowSources >= SOURCES_PER_SECOND) return null;
  windowSources++;
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let frames;
  try {
    Error.stackTraceLimit = 40;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder = {};
    Error.captureStackTrace(holder, learnerLine);
    frames = holder.stack;
  } catch {
    return null;
  } finally {
    try {
      Error.prepareStackTrace = prepare;
      Error.stackTraceLimit = limit;
    } catch {
      // left as the learner's code made them
    }
  }
  if (!Array.isArray(frames)) return null;
  for (const frame of frames) {
    try {
      const name = frame.getFileName();
      if (name === LEARNER_FILE || name === 'file://' + LEARNER_FILE) return [frame.getLineNumber() || 0, frame.getColumnNumber() || 0];
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * One read or write of `n` bytes; `parts`: the [chunk, encoding] pairs it consisted of, or a function that lists them
 * (called only when bytes are kept). `owned`: its one part is a buffer nobody else holds (the parser's
 * getCurrentBuffer() returns a copy), kept as it is rather than copied again.
 */
function record(conn, port, dir, n, parts, source, owned) {
  if (n === 0) return;
  const key = dir === 0 ? conn : -conn;
  // Past the budget of records (the window is turned in flush()), a read or write costs a lookup and two additions.
  if (windowChunks >= CHUNKS_PER_SECOND) {
    const last = lastOf.get(key);
    if (last) {
      last[4] += n;
      last[6] += 1;
      schedule();
      return;
    }
  }
  windowChunks++;
  const time = performance.now();
  const kept = congested ? 0 : Math.min(n, CHUNK_LIMIT, RAW_PER_SECOND - windowRaw);
  windowRaw += kept;
  // A copy, now: ws unmasks a frame in the very buffer the socket read, and code may reuse a buffer it wrote.
  const entry = [conn, port, dir, time, n, kept > 0 ? keptOf(typeof parts === 'function' ? parts() : parts, kept, owned) : null, 1, source ? source[0] : 0, source ? source[1] : 0];
  batch.push(entry);
  lastOf.set(key, entry);
  schedule();
}

function schedule() {
  if (timer !== undefined) return;
  timer = setTimeout(flush, BATCH_MS);
  timer.unref(); // a finished server must end as plain `node` would, recording or not
}

/**
 * A write past the budget, merged into its connection's record of the batch without asking its length: the length is
 * the handle's count of bytes dispatched, read once per batch in flush() (measure()) instead of twice per write. In a
 * WebSocket flood, asking it per write (two C++ accessors behind two getters) and listing the write for record() cost
 * about half a microsecond a frame, a fifth of what the server spent on one (bench/wire-record.ts, long rounds).
 * False when the write has to take the counted path: no record to merge into, or one whose count is not the handle's.
 */
function countLater(socket, conn) {
  if (windowChunks < CHUNKS_PER_SECOND) return false;
  const last = lastOf.get(-conn);
  if (last === undefined || last[9] !== socket) return false;
  last[6]++;
  if (last[11]++ === 0) unmeasured.push(last);
  return true;
}

/** Brings a write record's bytes up to `dispatched`, the socket's count now. */
function measure(entry, dispatched) {
  if (entry[11] === 0) return;
  entry[11] = 0;
  if (typeof dispatched === 'number' && dispatched > entry[10]) {
    entry[4] += dispatched - entry[10];
    entry[10] = dispatched;
  }
}

/** The first `kept` bytes of a read or write, in a buffer of their own (see record() for `owned`). */
function keptOf(parts, kept, owned) {
  if (!owned) return copyOf(parts, kept);
  const buffer = parts[0][0];
  return buffer.length > kept ? buffer.subarray(0, kept) : buffer;
}

/** The first `kept` bytes of a read or write, in a buffer of their own. `parts`: [chunk, encoding] pairs. */
function copyOf(parts, kept) {
  const out = Buffer.allocUnsafe(kept);
  let at = 0;
  for (const [chunk, encoding] of parts) {
    if (at >= kept) break;
    if (typeof chunk === 'string') {
      const wrote = out.write(chunk, at, encoding || 'utf8');
      at += wrote;
      // Buffer#write leaves out a character the end of the copy would cut (up to 3 bytes of UTF-8, 1 of UTF-16): what
      // follows must not fill that gap, so a copy cut short ends here, a true prefix. Asked only near the end: the
      // length counted ahead overestimates hex and base64 text with spaces (then at most 3 bytes fewer are kept).
      if (kept - at < 4 && wrote < lengthOf(chunk, encoding)) break;
    } else at += toBuffer(chunk).copy(out, at, 0, Math.min(chunk.byteLength, kept - at));
  }
  return at < kept ? out.subarray(0, at) : out;
}

function flush() {
  timer = undefined;
  const counted = unmeasured;
  unmeasured = [];
  for (const entry of counted) {
    // Measured already by a write that took the counted path since (its socket may then be gone from [9]).
    if (entry[11] === 0) continue;
    try {
      measure(entry, entry[9]._bytesDispatched);
    } catch {
      // recording never breaks the learner's server: the record keeps the bytes it had
    }
  }
  const records = batch;
  batch = [];
  lastOf = new Map();
  const now = performance.now();
  if (now - windowStart >= 1000) {
    windowStart = now;
    windowRaw = 0;
    windowChunks = 0;
    windowSources = 0;
  }
  if (records.length === 0 || typeof process.send !== 'function' || !process.connected) return;
  if (congested && process.channel && process.channel.writeQueueSize === 0) congested = false;
  const chunks = records.map(([conn, port, dir, time, bytes, kept, merged, by, reset]) =>
    dir === 2
      ? [conn, port, dir, ORIGIN + time, 0, '', 1, by, reset]
      : [conn, port, dir, ORIGIN + time, bytes, kept && !congested ? kept.toString('base64') : '', merged, by, reset],
  );
  try {
    if (!process.send({ pushlab: 'wire', chunks })) congested = true;
  } catch {
    // the channel closed under us: the backend is going, and this process with it
  }
}

function instrument(server, socket) {
  if (socket[RECORDED] || !socket._handle || typeof socket.localPort !== 'number') return;
  socket[RECORDED] = true;
  const conn = nextConn++;
  let port = socket.localPort;
  try {
    // The port as the learner's code named it, when preload.cjs moved it elsewhere (address() says that one).
    const address = server.address();
    if (address && typeof address === 'object') port = address.port;
  } catch {
    // keep the local port
  }
  socket[CONN] = conn;
  socket[PORT] = port;

  // Who ended it: the client's FIN is the end of what the socket reads (push(null)); otherwise the server ended it.
  let clientEnded = false;
  socket.once('close', (hadError) => {
    try {
      batch.push([conn, port, 2, performance.now(), 0, null, 1, clientEnded ? 0 : 1, hadError ? 1 : 0]);
      lastOf.delete(conn);
      lastOf.delete(-conn);
      schedule();
    } catch {
      // recording never breaks the learner's server
    }
  });

  const push = socket.push;
  socket.push = function pushRecorded(chunk, encoding) {
    try {
      if (chunk === null) clientEnded = true;
      else if (chunk !== undefined) record(conn, port, 0, lengthOf(chunk, encoding), [[chunk, encoding]]);
    } catch {
      // recording never breaks the learner's server
    }
    return push.call(this, chunk, encoding);
  };

  /*
   * Which line made each write: asked when the code hands bytes to the socket (write, end with data), and named when
   * Writable releases them to the handle. That may be later (Node's HTTP corks the socket until the next tick; a write
   * waits behind one in progress), when the learner's frame is no longer on the stack. Writes leave in the order they
   * were handed over, so a count of each side pairs them; only writes that got a line are kept, as
   * [index, length, line], so a flood past the budget costs a counter per write. A length that does not match means
   * the two counts lost step: no lines then, never a wrong one.
   */
  let handed = 0;
  let released = 0;
  let lines = [];
  const asked = (chunk, encoding) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return false;
    const index = handed++;
    // Handed over by a response's write() or uncork(), which asked already (see rememberHeldLines): its line.
    const lent = socket[UNCORK_LINE];
    if (lent !== undefined) socket[LENT_TAKEN] = true;
    const line = lent === NO_LINE ? null : lent || learnerLine();
    if (line) lines.push([index, lengthOf(chunk, typeof encoding === 'string' ? encoding : undefined), line]);
    return true;
  };
  /** Writes released that nobody waits a line for. */
  const skip = (count) => {
    released += count;
    return null;
  };
  /**
   * The line of the first of `count` writes released now that has one. `itemAt(i)` gives the i-th as [chunk, encoding]:
   * only the writes a line waits for are looked at. A writev that a backed-up socket releases at once holds every frame
   * of the flood since (250,000 in a WebSocket echo flood); listing them all for the few lines waiting was the record's
   * largest cost there, 0.3 s of a 2 s round and the garbage it made (a profile, 2026-12).
   */
  const sourceOf = (count, itemAt) => {
    const first = released;
    released += count;
    let found = null;
    while (lines.length && lines[0][0] < released) {
      const [index, length, line] = lines.shift();
      // A line whose write went by uncounted (it never reached the handle) is dropped.
      if (index < first) continue;
      const [chunk, encoding] = itemAt(index - first);
      if (length !== lengthOf(chunk, encoding)) {
        lines = [];
        return null;
      }
      found = found || line;
    }
    return found;
  };
  for (const method of ['write', 'end']) {
    const original = socket[method];
    socket[method] = function withSource(chunk, encoding) {
      let counted = false;
      try {
        counted = asked(chunk, encoding);
      } catch {
        // recording never breaks the learner's server
      }
      try {
        return original.apply(this, arguments);
      } catch (error) {
        // Refused (a write after end, a bad chunk): it will never reach the handle.
        if (counted) {
          handed--;
          if (lines.length && lines[lines.length - 1][0] === handed) lines.pop();
        }
        throw error;
      }
    };
  }

  const writeGeneric = socket._writeGeneric;
  socket._writeGeneric = function writeGenericRecorded(writev, data, encoding, cb) {
    // While connecting, Node keeps the write and calls this again once connected: record it that time only.
    if (this.connecting) return writeGeneric.call(this, writev, data, encoding, cb);
    // Past the budget, when no line is waiting to be named: a count, and the length later (countLater). An empty write
    // takes the counted path, which counts nothing, as before: a count does not know it is empty.
    let counted = false;
    try {
      if (lines.length === 0 && (writev || data.length !== 0) && countLater(this, conn)) {
        counted = true;
        skip(writev ? data.length : 1);
      }
    } catch {
      // recording never breaks the learner's server
    }
    if (counted) return writeGeneric.call(this, writev, data, encoding, cb);
    // What the handle took, as Node counts it for bytesWritten: no length of our own per item (Node's HTTP hands over
    // four per res.write, tens of thousands a second in a flood), and a write the handle refused counts nothing.
    const before = this._bytesDispatched;
    const result = writeGeneric.call(this, writev, data, encoding, cb);
    try {
      const after = this._bytesDispatched;
      const exact = typeof before === 'number' && typeof after === 'number';
      const n = exact ? after - before : countOf(writev, data, encoding);
      // Writes merged before this one into the record it may merge into: their bytes are the ones before it.
      const last = lastOf.get(-conn);
      if (last !== undefined) measure(last, before);
      if (writev) {
        // Walked only as far as a copy keeps them; a line's write is looked up alone.
        const source = lines.length ? sourceOf(data.length, (i) => itemOf(data[i])) : skip(data.length);
        record(conn, port, 1, n, () => itemsOf(data), source);
      } else {
        record(conn, port, 1, n, [[data, encoding]], lines.length ? sourceOf(1, () => [data, encoding]) : skip(1));
      }
      const entry = lastOf.get(-conn);
      if (entry !== undefined) {
        // Only a count the handle keeps can be read later; without one, later writes take this path too.
        entry[9] = exact ? this : undefined;
        entry[10] = after;
        entry[11] = 0;
      }
    } catch {
      // recording never breaks the learner's server
    }
    return result;
  };
}

/*
 * Reads an HTTP server's C++ parser takes from the handle itself (see the top of this file). The parser's callbacks
 * are wrapped once per parser; parsers are pooled and serve other connections later (an http.request of the learner's
 * code among them), so each call asks whether the parser now reads a recorded socket, in consumed mode. What was read
 * since the last record is the handle's bytesRead past the last one's: a second callback of the same read finds
 * nothing new, and a read that made no callback of its own before the execute callback is still counted there.
 */
const PARSER_HOOKED = Symbol('pushlab.parserHooked');
function readsOfParser(socket) {
  const parser = socket.parser;
  const handle = socket._handle;
  if (!parser || !parser._consumed || !handle || typeof handle.bytesRead !== 'number' || typeof parser.getCurrentBuffer !== 'function') return;
  socket[READ_TO] = handle.bytesRead;
  socket[READ_SEEN] = false;
  if (parser[PARSER_HOOKED]) return;
  parser[PARSER_HOOKED] = true;
  const HTTPParser = parser.constructor;
  for (const name of ['kOnHeaders', 'kOnHeadersComplete', 'kOnBody', 'kOnMessageComplete']) wrapCallback(parser, HTTPParser[name], readOnCallback);
}

/**
 * Wraps the parser's callback at `index`: `before(parser, socket)` runs first when the parser now reads a recorded
 * socket. False when the parser has no such callback.
 */
function wrapCallback(parser, index, before) {
  if (typeof index !== 'number') return false;
  const original = parser[index];
  if (typeof original !== 'function') return false;
  parser[index] = function readRecorded() {
    try {
      const socket = this.socket;
      if (socket && socket[READ_TO] !== undefined) before(this, socket);
    } catch {
      // recording never breaks the learner's server
    }
    return original.apply(this, arguments);
  };
  return true;
}

/** Headers, body, message complete: the first of a read records it. */
function readOnCallback(parser, socket) {
  if (socket[READ_SEEN] !== false || !parser._consumed) return;
  recordParserRead(parser, socket);
  if (socket[EXECUTE_HOOKED] === true) socket[READ_SEEN] = true;
}

/**
 * The execute callback, which Node sets per connection and calls after each read the parser took: it records a read
 * no other callback recorded, and ends the read for READ_SEEN.
 */
function readOnExecute(parser, socket) {
  if (socket[READ_SEEN] === true) socket[READ_SEEN] = false;
  else if (parser._consumed) recordParserRead(parser, socket);
}

function recordParserRead(parser, socket) {
  const handle = socket._handle;
  if (!handle) return;
  const to = handle.bytesRead;
  const n = to - socket[READ_TO];
  if (!(n > 0)) return;
  socket[READ_TO] = to;
  record(socket[CONN], socket[PORT], 0, n, () => [[parser.getCurrentBuffer()]], null, true);
}

/** A writev's item as a [chunk, encoding] pair: Writable's { chunk, encoding }, or a buffer when all are buffers. */
function itemOf(item) {
  return [item && item.chunk !== undefined ? item.chunk : item, item.encoding];
}

/**
 * A writev's items as [chunk, encoding] pairs, one at a time: a copy keeps at most 64 KiB and stops there, and a
 * backed-up socket's writev may hold a flood's every frame (see sourceOf). The copy itself says when it has enough:
 * a length counted ahead (lengthOf) overestimates hex and base64 text with spaces or bad characters.
 */
function* itemsOf(data) {
  for (let i = 0; i < data.length; i++) yield itemOf(data[i]);
}

/** A write's length counted item by item: where Node no longer keeps _bytesDispatched (a fallback, never seen yet). */
function countOf(writev, data, encoding) {
  if (!writev) return lengthOf(data, encoding);
  let n = 0;
  for (const [chunk, itemEncoding] of itemsOf(data)) n += lengthOf(chunk, itemEncoding);
  return n;
}

/*
 * The line of a response's write is asked at res.write() and res.end(), and lent to its socket for what the socket is
 * handed meanwhile:
 * - Node 20 and 22 hand the socket the response's bytes inside res.write(): the socket's write() takes the lent line
 *   instead of asking again. It asked too, until 2026-12: two stacks a write, and the budget named half as many writes.
 * - Node 24 holds a response's writes in the response itself (it corks the response, not only its socket) and writes
 *   them to the socket at the next tick, when the learner's frame is gone. The first line held is kept on the response
 *   and lent while its uncork() writes what it held: those writes are that line's.
 * One line is held, never a list: on Node 20 and 22 nothing uncorks a response, and a list grew with every write of a
 * long response (an SSE stream kept up to 50 lines a second for as long as it ran).
 */
const HELD_LINE = Symbol('pushlab.heldLine');
const UNCORK_LINE = Symbol('pushlab.uncorkLine');
/** Lent while a write was asked and had no line of server.js: the socket's write() need not ask again. */
const NO_LINE = [0, 0];
/** Set when the socket's write() took the line a response lent it. */
const LENT_TAKEN = Symbol('pushlab.lentTaken');
function rememberHeldLines() {
  const proto = http.OutgoingMessage && http.OutgoingMessage.prototype;
  if (!proto || typeof proto.uncork !== 'function') return;
  for (const method of ['write', 'end']) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    proto[method] = function remembered() {
      let socket;
      let lend = false;
      let held = false;
      try {
        socket = this.socket;
        // Only a response on a recorded socket: an http.request of the learner's code (a proxy stand-in) would spend
        // the budget on writes nobody names.
        if (socket && socket[RECORDED]) {
          const line = learnerLine();
          if (line && this[HELD_LINE] === undefined) {
            this[HELD_LINE] = line;
            held = true;
          }
          lend = socket[UNCORK_LINE] === undefined;
          if (lend) {
            socket[UNCORK_LINE] = line || NO_LINE;
            socket[LENT_TAKEN] = false;
          }
        }
      } catch {
        // recording never breaks the learner's server
      }
      try {
        return original.apply(this, arguments);
      } catch (error) {
        // Refused (a chunk that is not one, a body longer than its Content-Length): it holds nothing for an uncork to
        // write, and its line must not be lent to what a later one writes.
        if (held) this[HELD_LINE] = undefined;
        throw error;
      } finally {
        if (lend) {
          socket[UNCORK_LINE] = undefined;
          // The socket took the bytes inside the call (Node 20, 22): nothing of this write is held for an uncork.
          if (socket[LENT_TAKEN]) this[HELD_LINE] = undefined;
        }
      }
    };
  }
  const uncork = proto.uncork;
  proto.uncork = function uncorkRemembered() {
    const socket = this.socket;
    const held = this[HELD_LINE];
    // Over the line res.end() lent, when end() uncorks: what leaves now was held since its first write.
    const lend = !!(socket && socket[RECORDED] && held);
    const lent = lend ? socket[UNCORK_LINE] : undefined;
    if (lend) socket[UNCORK_LINE] = held;
    try {
      return uncork.apply(this, arguments);
    } finally {
      if (lend) socket[UNCORK_LINE] = lent;
      this[HELD_LINE] = undefined;
    }
  };
}

if (process.env.PUSHLAB_WIRE !== '0' && typeof net.Socket.prototype._writeGeneric === 'function') {
  rememberHeldLines();
  const emit = net.Server.prototype.emit;
  // 'connection' is emitted by the server itself for each accepted socket, before any listener (http's included)
  // sees it: the one moment every kind of server has in common.
  net.Server.prototype.emit = function emitRecorded(name, socket) {
    if (name === 'connection' && socket instanceof net.Socket) {
      try {
        instrument(this, socket);
      } catch {
        // recording never breaks the learner's server
      }
      const result = emit.apply(this, arguments);
      try {
        // http's own 'connection' listener has now given the socket its parser and let it consume the handle.
        if (socket[RECORDED] && socket.parser) {
          readsOfParser(socket);
          if (socket[READ_TO] !== undefined) socket[EXECUTE_HOOKED] = wrapCallback(socket.parser, socket.parser.constructor.kOnExecute, readOnExecute);
        }
      } catch {
        // recording never breaks the learner's server
      }
      return result;
    }
    return emit.apply(this, arguments);
  };
}
