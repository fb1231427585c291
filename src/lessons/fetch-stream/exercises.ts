import type { Exercise } from '../../shared/lesson.js';
import { replaceOnce } from '../checks/edit.js';
import { deltaOf, errorMessageOf, isDone, streams, type Stream } from '../checks/fetch-stream.js';
import { consoleTexts, quoteSome, seconds, t } from '../checks/observe.js';
import client from './client.js?raw';
import server from './server.js?raw';

// ---- the solutions, as edits of the lesson's files ------------------------------------------------------------

const NAIVE_LOOP = `  for (;;) {
    const { done, value } = await reader.read();
    if (done || stopped) break;
    for (const part of value.split('\\n\\n')) {
      if (!part.startsWith('data: ')) continue;
      const data = part.slice('data: '.length);
      if (data === '[DONE]') continue;
      const { delta } = JSON.parse(data);
      answer += delta;
      console.log('token:', delta);
    }
  }`;

const bufferedLoop = (onEvent: string) => `  // A chunk is not an event: keep what arrived, and take out only the events a blank line has ended.
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done || stopped) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\\n\\n')) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
${onEvent}      if (event.type !== 'message' || event.data === '[DONE]') continue;
      const { delta } = JSON.parse(event.data);
      answer += delta;
      console.log('token:', delta);
    }
  }`;

const PARSE_EVENT = `
// One event's lines, "field: value"; several data lines are joined with a line feed (WHATWG HTML, event streams).
function parseEvent(block) {
  const event = { type: 'message', data: undefined };
  for (const line of block.split('\\n')) {
    const colon = line.indexOf(':');
    if (colon === 0) continue; // a comment
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event.type = value;
    if (field === 'data') event.data = event.data === undefined ? value : event.data + '\\n' + value;
  }
  return event;
}
`;

const SHOW_ERROR = `      // The status was 200 long ago: an error after the head can only come as an event. Say so, instead of passing
      // half an answer off as the whole.
      if (event.type === 'error') throw new Error(JSON.parse(event.data).error.message);
`;

export const parserClient = replaceOnce(client, NAIVE_LOOP, bufferedLoop('')) + PARSE_EVENT;

const errorClient =
  replaceOnce(
    replaceOnce(client, NAIVE_LOOP, bufferedLoop(SHOW_ERROR)),
    `    body: JSON.stringify({ question }),
  });
`,
    `    body: JSON.stringify({ question }),
  });
  // A 401 or a 500 is not an event stream: its body is a JSON error.
  if (!res.ok) throw new Error(\`\${res.status}: \${(await res.json()).error.message}\`);
`,
  ) + PARSE_EVENT;

export const stopClient =
  replaceOnce(
    replaceOnce(
      replaceOnce(
        client,
        `  const res = await fetch('/v1/chat', {`,
        `  const controller = new AbortController();
  const res = await fetch('/v1/chat', {
    signal: controller.signal,`,
      ),
      `      console.log('用户点了“停止”');
      stopped = true;`,
      `      console.log('用户点了“停止”');
      stopped = true;
      // Aborting closes the connection: the server sees 'close' and can stop generating.
      controller.abort();`,
    ),
    NAIVE_LOOP,
    `  try {
${bufferedLoop('')
  .split('\n')
  .map((l) => (l ? '  ' + l : l))
  .join('\n')}
  } catch (err) {
    // After abort() the pending read rejects with an AbortError: that is the Stop, not a failure.
    if (err.name !== 'AbortError') throw err;
  }`,
  ) + PARSE_EVENT;

export const stopServer = replaceOnce(
  server,
  `        timer = setTimeout(next, 120);
      }, 120);
`,
  `        timer = setTimeout(next, 120);
      }, 120);
      // 'close' on res comes when the client leaves (and after a normal end): stop generating for nobody.
      // (Not req's 'close': Node emits that as soon as the request body has been read.)
      res.on('close', () => {
        clearTimeout(timer);
        if (!res.writableEnded) console.log(\`client left: stopped at \${i}/\${answer.tokens.length}\`);
      });
`,
);

// ---- reading the observation ----------------------------------------------------------------------------------

/** Deltas of a stream, in order. */
const deltas = (s: Stream) => s.events.map(deltaOf).filter((d): d is string => d !== undefined);
/** Events whose bytes came in more than one chunk. */
const straddling = (s: Stream) => s.events.filter((e) => e.lastChunk > e.firstChunk);

/**
 * Whether the client console shows each delta, in order, from lines logged after the answer began: a line may show
 * several (the answer so far), but never one that has not arrived yet. Returns the first missing delta's index.
 */
function firstMissing(lines: readonly { time: number; text: string }[], wanted: readonly string[]): number | undefined {
  let at = 0;
  for (let k = 0; k < wanted.length; k++) {
    while (at < lines.length && !lines[at]!.text.includes(wanted[k]!)) at++;
    if (at === lines.length) return k;
  }
  return undefined;
}

/**
 * The lesson's server writes every event in two or three pieces, cut somewhere else each time; the check wants a
 * stream that was really cut so (several events across chunks), ended with [DONE], and whose every token the client
 * showed, in order, the first before the stream was over (a client that waits for the whole body is not streaming).
 */
const parser: Exercise = {
  id: 'parse-any-chunking',
  title: { en: 'A parser that survives any chunking', zh: '不怕任意分块的解析器' },
  task: {
    en: 'Run the lesson: the first answer ends in `Unexpected end of JSON input` before a single token. Open the **Traffic** tab and look at the chunks of the first answer: the server writes each event in pieces. Make the client buffer what arrives and take out only whole events, so that it logs every token of the first answer, in order, as it arrives.',
    zh: '运行本课：第一个回答还没出一个 token，就以 `Unexpected end of JSON input` 告终。打开“网络流量”面板，看第一个回答的分块：服务器把每条事件分成几段写出。请让客户端把收到的内容先放进缓冲区，只取出完整的事件，从而按顺序、边收边打印第一个回答的每个 token。',
  },
  hints: {
    en: [
      'A chunk ends wherever the network cut it: in the middle of the JSON, or between the two `\\n` that end an event.',
      'Keep a `buffer` across reads: append each chunk, then while it contains `\\n\\n`, cut one event off its front and parse it.',
      'Whatever is left after the last `\\n\\n` is the start of the next event: leave it in the buffer. `TextDecoderStream` already keeps a Chinese character cut in two whole.',
    ],
    zh: [
      '分块在网络切开的地方结束：可能在 JSON 中间，也可能在结束事件的两个 `\\n` 之间。',
      '在多次读取之间保留一个 `buffer`：每收到一块就追加进去，只要其中有 `\\n\\n`，就从前面切下一条事件来解析。',
      '最后一个 `\\n\\n` 之后剩下的，是下一条事件的开头，留在缓冲区里。被切成两半的汉字，`TextDecoderStream` 已经替你拼好了。',
    ],
  },
  solution: { 'client.js': parserClient },
  watchMs: 7_000,
  // Must reject: the starting split of each chunk (throws on a piece); the same with the bad pieces skipped (tokens
  // lost); a decoder without { stream: true } (a character cut in two becomes U+FFFD); waiting for the whole body;
  // a server changed to write whole events. Must accept: a buffer cut at '\n\n', or a line reader that dispatches at
  // the blank line, logging per token or the answer so far.
  check(o) {
    const expected = t(
      'every token of an answer cut across chunks, in the client console, in order, the first before the answer ended',
      '一个被切成多块的回答，它的每个 token 都按顺序出现在客户端控制台，第一个在回答结束之前',
    );
    const all = streams(o);
    const done = all.filter((s) => s.events.some(isDone) && deltas(s).length > 0);
    if (done.length === 0) {
      // The tap sees what the page reads: a client that threw on a piece read no further.
      const errors = consoleTexts(o, 'client').filter((l) => /error|出错/i.test(l.text)).map((l) => l.text);
      if (all.some((s) => s.chunks.length > 0) && errors.length > 0) {
        return {
          pass: false,
          saw: t('{n} answer(s) begun, none read to [DONE]; the client console said {errors}', '开始了 {n} 个回答，没有一个读到 [DONE]；客户端控制台打印了{errors}', {
            n: all.filter((s) => s.chunks.length > 0).length,
            errors: quoteSome(errors, 1),
          }),
          expected,
        };
      }
      return { pass: false, saw: t('no streamed answer has ended with [DONE] yet', '还没有以 [DONE] 结束的流式回答'), expected };
    }
    const cut = done.filter((s) => straddling(s).length >= 2);
    if (cut.length === 0) {
      return {
        pass: false,
        saw: t('every event of the answers came in one chunk: nothing to survive (keep the server’s send())', '回答的每条事件都在一个分块里到达，没有可检验的切分（请保留服务器的 send()）'),
        expected,
      };
    }
    const lines = consoleTexts(o, 'client');
    let saw = t('', '');
    for (const s of cut) {
      const wanted = deltas(s);
      const from = s.chunks[0]?.time ?? s.requestTime;
      const after = lines.filter((l) => l.time >= from);
      const missing = firstMissing(after, wanted);
      if (missing !== undefined) {
        const pieces = s.events.filter((e) => deltaOf(e) !== undefined)[missing]!;
        saw = t('token {k} of {n}, “{token}” (it came in {p} chunks), never shown in the client console', '{n} 个 token 中的第 {k} 个“{token}”（分 {p} 块到达）没有出现在客户端控制台', {
          k: missing + 1,
          n: wanted.length,
          token: wanted[missing]!,
          p: pieces.lastChunk - pieces.firstChunk + 1,
        });
        continue;
      }
      const firstShown = after.find((l) => l.text.includes(wanted[0]!))!;
      const lastChunk = s.chunks[s.chunks.length - 1]!;
      if (firstShown.time >= lastChunk.time) {
        saw = t('every token shown, but only at {at}, when the whole answer had come: not as it streamed', '所有 token 都打印了，但都在 {at}、整个回答到齐之后，不是边收边显示', { at: seconds(firstShown.time) });
        continue;
      }
      return { pass: true };
    }
    return { pass: false, saw, expected };
  },
};

/**
 * Stop in the lesson's client only stops reading: the request stays open and the server goes on generating for
 * nobody. The check wants a stream the client stopped on the wire (the tap's 'close': abort or cancel), after which
 * the server logs no 'generating' line beyond a moment, watched for 1.5 s.
 */
const GRACE_MS = 500;
const WATCH_AFTER_MS = 1_500;
const stop: Exercise = {
  id: 'stop-generating',
  title: { en: 'Stop that stops the server', zh: '让“停止”真正停下服务器' },
  task: {
    en: 'The third question is stopped by the user after 1.5 s, yet the server console goes on with `generating 13/40`, `14/40`… until the end. Make Stop close the request (an `AbortController`), and make the server stop generating when its client leaves.',
    zh: '第三个问题在 1.5 秒后被用户停止，服务器控制台却还在打印 `generating 13/40`、`14/40`……一直到最后。请让“停止”真正关闭请求（用 `AbortController`），并让服务器在客户端离开时停止生成。',
  },
  hints: {
    en: [
      'Breaking out of the read loop does not close anything: the response is still open and the server still writes.',
      'Pass `signal: controller.signal` to `fetch` and call `controller.abort()` on Stop; the pending `read()` then rejects with an `AbortError` (`reader.cancel()` closes it too).',
      "On the server, `res.on('close', …)` runs when the client leaves: clear the timer there. Not `req.on('close')`: Node emits that once the request body has been read.",
    ],
    zh: [
      '跳出读取循环并不会关闭任何东西：响应还开着，服务器还在写。',
      '给 `fetch` 传 `signal: controller.signal`，点“停止”时调用 `controller.abort()`；正在等待的 `read()` 会以 `AbortError` 失败（`reader.cancel()` 也能关闭它）。',
      "在服务器上，客户端离开时会触发 `res.on('close', …)`，在那里清掉定时器。不要用 `req.on('close')`：Node 读完请求体就会触发它。",
    ],
  },
  solution: { 'client.js': stopClient, 'server.js': stopServer },
  watchMs: 10_000,
  // Must reject: the starting flag (nothing closes); abort() with the server unchanged (it goes on generating);
  // req.on('close') on the server (stops before the first token, so nothing was being generated). Must accept:
  // abort() or reader.cancel(), with res.on('close') or a check of res.destroyed in the timer.
  check(o) {
    const expected = t(
      'a streamed answer stopped by the client, then no “generating” line on the server more than 0.5 s later',
      '客户端停止了一个流式回答，之后超过 0.5 秒服务器不再打印“generating”',
    );
    const all = streams(o);
    const stopped = all.find((s) => s.stoppedTime !== undefined && !s.events.some(isDone) && !s.events.some((e) => errorMessageOf(e)));
    const generating = consoleTexts(o, 'server').filter((l) => /generating/i.test(l.text));
    if (!stopped) {
      const open = all.filter((s) => s.stoppedTime === undefined).length;
      return {
        pass: false,
        saw: t('no answer was stopped on the wire: {n} request(s) stayed open until the server ended them, {g} “generating” lines', '没有哪个回答在连接上被停止：{n} 个请求一直开着直到服务器结束，共 {g} 行“generating”', {
          n: open,
          g: generating.length,
        }),
        expected,
      };
    }
    const at = stopped.stoppedTime!;
    const before = generating.filter((l) => l.time <= at && l.time >= stopped.requestTime);
    if (before.length === 0) {
      return {
        pass: false,
        saw: t('the client stopped at {at}, but the server was generating nothing for it', '客户端在 {at} 停止，但服务器当时根本没有在为它生成', { at: seconds(at) }),
        expected,
      };
    }
    const late = generating.filter((l) => l.time > at + GRACE_MS);
    if (late.length > 0) {
      return {
        pass: false,
        saw: t('the client stopped at {at}; the server went on: {n} “generating” lines after it, the last “{last}” at {lastAt}', '客户端在 {at} 停止；服务器仍在继续：之后还有 {n} 行“generating”，最后一行“{last}”在 {lastAt}', {
          at: seconds(at),
          n: late.length,
          last: late[late.length - 1]!.text,
          lastAt: seconds(late[late.length - 1]!.time),
        }),
        expected,
      };
    }
    if (o.elapsed < at + WATCH_AFTER_MS) {
      return { pass: false, saw: t('stopped at {at}; watching the server for a moment', '在 {at} 停止；正在观察服务器', { at: seconds(at) }), expected };
    }
    return { pass: true };
  },
};

/**
 * The second answer breaks off with `event: error` after a 200 head. The lesson's client skips what it does not know
 * and prints the half answer as if whole. The check wants the error's message in the client console, after it came.
 */
const streamError: Exercise = {
  id: 'show-stream-error',
  title: { en: 'An error mid-stream, shown to the user', zh: '把流中途的错误告诉用户' },
  task: {
    en: 'The second answer stops after five tokens: look at its last chunks in the **Traffic** tab, the server sent `event: error` with a message. The client prints the half answer as if it were all. Make it show the error’s message instead (once the parser of the first exercise reads whole events).',
    zh: '第二个回答在五个 token 之后就断了：在“网络流量”面板里看它最后几个分块，服务器发来了带消息的 `event: error`。客户端却把半个回答当成完整的打印出来。请让它改为显示这条错误消息（先按第一个练习让解析器读出完整的事件）。',
  },
  hints: {
    en: [
      'The status was 200 before the first token: an error that happens later cannot change it, so the server sends it as an event.',
      'An event with `event: error` has its own type: look at the type your parser gives each event, not only at `data:`.',
      'Its data is JSON: `{"error":{"message":"…"}}`. Throw an `Error` with that message, or log it with `console.error`.',
    ],
    zh: [
      '第一个 token 之前状态码就已经是 200 了：之后发生的错误改变不了它，所以服务器把错误作为一条事件发送。',
      '带 `event: error` 的事件有自己的类型：要看解析器给每条事件的类型，而不只看 `data:`。',
      '它的数据是 JSON：`{"error":{"message":"…"}}`。用这条消息抛出一个 `Error`，或者用 `console.error` 打印它。',
    ],
  },
  solution: { 'client.js': errorClient },
  watchMs: 7_000,
  // Must reject: the starting client (skips it); a parser that drops non-message types; a generic "出错了" without the
  // server's message. Must accept: the message thrown and caught, logged with console.error, or read from a data
  // object with an `error` field.
  check(o) {
    const expected = t('the message of the stream’s error event in the client console, after it arrived', '流中 error 事件的消息在它到达之后出现在客户端控制台');
    for (const s of streams(o)) {
      for (const e of s.events) {
        const message = errorMessageOf(e);
        if (message === undefined) continue;
        const shown = consoleTexts(o, 'client').some((l) => l.time >= e.time && l.text.includes(message));
        if (shown) return { pass: true };
        const after = consoleTexts(o, 'client').filter((l) => l.time >= e.time).map((l) => l.text);
        return {
          pass: false,
          saw: t('an error event “{message}” at {at}; the client console then said {lines}', '在 {at} 收到 error 事件“{message}”；客户端控制台之后打印的是{lines}', {
            message,
            at: seconds(e.time),
            lines: quoteSome(after),
          }),
          expected,
        };
      }
    }
    // The tap sees what the page reads: a client that stops reading the second answer early never gets to its error.
    return {
      pass: false,
      saw: t('no error event read yet (the second answer ends with one, if the client reads it to the end)', '还没有读到 error 事件（第二个回答的最后就是一个，前提是客户端把它读完）'),
      expected,
    };
  },
};

export const exercises: Exercise[] = [parser, stop, streamError];
