import type { CheckResult, Exercise, Observation } from '../../shared/lesson.js';
import { partyName } from '../../shared/localized.js';
import { quoteSome, seconds, t } from '../checks/observe.js';
import { ackedEmits, received, socketIoByParty } from '../checks/parties.js';
import { connectedSessions, sioEvents, type WirePacket } from '../checks/socket-io.js';
import nicknamesClient from './steps/2-nicknames/client.js?raw';
import nicknamesPage from './steps/2-nicknames/index.html?raw';
import nicknamesServer from './steps/2-nicknames/server.js?raw';
import onlineClient from './steps/3-online/client.js?raw';
import onlinePage from './steps/3-online/index.html?raw';
import onlineServer from './steps/3-online/server.js?raw';
import finalClient from './steps/4-history/client.js?raw';
import finalPage from './steps/4-history/index.html?raw';
import finalServer from './steps/4-history/server.js?raw';

/**
 * Each exercise is one step of the chat, and its solution is the whole chat after that step (the last one is the
 * complete chat, the real chat's protocol). The first steps are checked from what the three windows do by themselves
 * on connecting: they join, the server answers, and tells the others. The last adds a scene the run plays (a person
 * typing, connections cut; see below), since nobody types or drops by themselves. Every check reads socket.io's
 * packets window by window (checks/parties.ts), so it holds in both runtimes.
 */

const WINDOWS = 3;

type Ack = Record<string, unknown>;

function isObject(x: unknown): x is Ack {
  return typeof x === 'object' && x !== null;
}

/** Each window's last accepted join: the server's answer `{ok: true, nick, …}`. */
function acceptedJoins(byParty: Map<string, WirePacket[]>): Map<string, Ack> {
  const out = new Map<string, Ack>();
  for (const [party, packets] of byParty) {
    const ok = ackedEmits(packets, 'join')
      .map((a) => a.reply?.sio?.args[0])
      .filter((r): r is Ack => isObject(r) && r.ok === true && typeof r.nick === 'string');
    if (ok.length > 0) out.set(party, ok[ok.length - 1]!);
  }
  return out;
}

/** Fails unless the three windows joined; otherwise hands over the nickname of each. */
function threeJoined(
  o: Observation,
): { byParty: Map<string, WirePacket[]>; joins: Map<string, Ack>; nicks: Map<string, string> } | CheckResult {
  const byParty = socketIoByParty(o);
  const joins = acceptedJoins(byParty);
  if (joins.size >= WINDOWS) return { byParty, joins, nicks: new Map([...joins].map(([p, a]) => [p, a.nick as string])) };
  const asked = [...byParty.values()].filter((packets) => ackedEmits(packets, 'join').length > 0).length;
  const expected = t(
    'each of the {w} windows to emit “join” with {nick} and a callback, and the server to answer {ok: true, nick}',
    '{w} 个窗口都发送带 {nick} 和回调函数的“join”，服务器用 {ok: true, nick} 确认',
    { w: WINDOWS },
  );
  if (asked === 0) {
    return {
      pass: false,
      saw: t('no window sent a “join” event with a callback', '没有窗口发送带回调函数的“join”事件'),
      expected,
    };
  }
  return {
    pass: false,
    saw: t('{n} of {w} windows were accepted with a nickname ({list})', '{w} 个窗口中有 {n} 个以昵称加入成功（{list}）', {
      n: joins.size,
      w: WINDOWS,
      list: quoteSome([...joins.values()].map((a) => String(a.nick))),
    }),
    expected,
  };
}

/** Whitespace as a person reads it: innerText breaks lines between list items, a message's text may hold any. */
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The end of what a window shows, short enough for a "saw:" line. */
const tail = (shown: string) => (shown.length > 120 ? '…' + shown.slice(-119) : shown) || '—';

const nicknames: Exercise = {
  id: 'nicknames',
  title: { en: 'Nicknames, and who joined', zh: '昵称，以及谁加入了' },
  task: {
    en: [
      'Give each window a nickname and tell the others when someone joins.',
      '',
      "- Client: on `'connect'`, emit `'join'` with `{ nick }` (the `#nick` field; add it to index.html with a Join button) **and a callback**.",
      "- Server: check the nickname (1–20 letters, digits, `_ . -`, single spaces), refuse it if someone in the room has it (without case), keep it in `socket.data.nick`, `socket.join('lobby')`, and answer `{ ok: true, room, nick }` — or `{ ok: false, error, message }`.",
      "- Tell **the others** in the room: `{ kind: 'joined', room, nick }` as a `'notice'` event; on `'disconnect'`, `'left'`.",
      '- Messages now come `from` the nickname, and only from someone who joined.',
      '',
      'Run it: the second and third windows show up as “joined” in the windows that were there before them.',
    ].join('\n'),
    zh: [
      '给每个窗口一个昵称，有人加入时告诉其他人。',
      '',
      "- 客户端：在 `'connect'` 时发送 `'join'`，带上 `{ nick }`（来自 `#nick` 输入框，在 index.html 里加上它和一个 Join 按钮）**和一个回调函数**。",
      "- 服务器：检查昵称（1–20 个字母、数字、`_ . -`，词之间单个空格），房间里已有同名（不分大小写）就拒绝；把昵称存进 `socket.data.nick`，`socket.join('lobby')`，通过确认回调返回 `{ ok: true, room, nick }`，或者 `{ ok: false, error, message }`。",
      "- 告诉房间里的**其他人**：发送 `'notice'` 事件 `{ kind: 'joined', room, nick }`；在 `'disconnect'` 时发 `'left'`。",
      '- 消息的 `from` 改成昵称，并且只接受已加入的人发来的消息。',
      '',
      '运行后：第二、第三个窗口加入时，先到的窗口里会显示“joined”。',
    ].join('\n'),
  },
  hints: {
    en: [
      "The callback is the last argument of `emit`: `socket.emit('join', { nick }, (result) => …)`; on the server it is the last parameter of the handler: `socket.on('join', (request, ack) => …)`.",
      "`socket.to('lobby').emit(…)` reaches everyone in the room except `socket`; `io.to('lobby').emit(…)` would tell the newcomer about itself.",
      "To know who already has a nickname: `(await io.in('lobby').fetchSockets()).map((s) => s.data.nick)`.",
    ],
    zh: [
      "回调函数是 `emit` 的最后一个参数：`socket.emit('join', { nick }, (result) => …)`；服务端是处理函数的最后一个参数：`socket.on('join', (request, ack) => …)`。",
      "`socket.to('lobby').emit(…)` 发给房间里除 `socket` 以外的所有人；`io.to('lobby').emit(…)` 会把新人加入的消息也发给新人自己。",
      "想知道谁已经用了哪个昵称：`(await io.in('lobby').fetchSockets()).map((s) => s.data.nick)`。",
    ],
  },
  solution: { 'server.js': nicknamesServer, 'client.js': nicknamesClient, 'index.html': nicknamesPage },
  watchMs: 8_000,
  // Must reject: the starting code (no join with an ack); joins nobody else hears of; a join announced to the newcomer
  // itself (io.to instead of socket.to). Must accept: any server that acks the nick and tells the others, however the
  // names are stored (socket.data, a Map). Refusing a taken name cannot be seen here (nobody types a duplicate during
  // a check): test/e2e/lesson-chat.test.ts and test/unit/chat-step4-server.test.ts prove it.
  check(o) {
    const joined = threeJoined(o);
    if ('pass' in joined) return joined;
    const { byParty, nicks } = joined;
    const announced = new Set<string>();
    for (const [party, packets] of byParty) {
      const own = nicks.get(party);
      for (const n of received(packets, 'notice')) {
        if (n.kind !== 'joined' || typeof n.nick !== 'string') continue;
        if (n.nick === own) {
          return {
            pass: false,
            saw: t('{p} was told that “{n}” joined: that is itself', '{p} 收到了“{n}”加入的通知，可那就是它自己', { p: partyName(party), n: own }),
            expected: t(
              'the notice to go to the others in the room only (socket.to(room), not io.to(room))',
              '通知只发给房间里的其他人（用 socket.to(room)，而不是 io.to(room)）',
            ),
          };
        }
        if ([...nicks.values()].includes(n.nick)) announced.add(n.nick);
      }
    }
    if (announced.size >= WINDOWS - 1) return { pass: true };
    return {
      pass: false,
      saw: t('windows joined as {all}; “joined” notices heard about: {heard}', '窗口以{all}加入；收到的“joined”通知涉及：{heard}', {
        all: quoteSome([...nicks.values()]),
        heard: quoteSome([...announced]),
      }),
      expected: t(
        "the windows already in the room to get a 'notice' {kind: 'joined', nick} when another joins (at least {n} of the {w} nicknames announced)",
        "有人加入时，已在房间里的窗口收到 'notice' {kind: 'joined', nick}（{w} 个昵称中至少 {n} 个被通知）",
        { n: WINDOWS - 1, w: WINDOWS },
      ),
    };
  },
};

const online: Exercise = {
  id: 'online',
  title: { en: 'Who is online', zh: '谁在线' },
  task: {
    en: "Show in every window who is in the room. Whenever the room changes (someone joins, renames or disconnects), the server sends the room the **whole** list: `'online'` with `{ room, nicks }`, the nicknames sorted. Put the list in the join answer too (`online`), and show it above the messages (a `#online` line in index.html). After a Run, each window's latest list names all three windows.",
    zh: "在每个窗口里显示房间里有谁。房间一有变化（有人加入、改名或断开），服务器就把**完整**名单发给整个房间：事件 `'online'`，内容 `{ room, nicks }`，昵称排好序。加入时的确认里也带上名单（`online`），并显示在消息列表上方（在 index.html 里加一行 `#online`）。运行后，每个窗口收到的最新名单都列出全部三个窗口。",
  },
  hints: {
    en: [
      "Do the first exercise first: the list is made of the nicknames in `socket.data.nick`.",
      "A helper: `const nicks = (await io.in('lobby').fetchSockets()).map((s) => s.data.nick).filter(Boolean).sort();` then `io.to('lobby').emit('online', { room: 'lobby', nicks })`.",
      "Call it after `socket.join(…)` and in `'disconnect'` (by then the socket has left its rooms).",
    ],
    zh: [
      '先完成第一个练习：名单就是各个 `socket.data.nick`。',
      "写个辅助函数：`const nicks = (await io.in('lobby').fetchSockets()).map((s) => s.data.nick).filter(Boolean).sort();`，然后 `io.to('lobby').emit('online', { room: 'lobby', nicks })`。",
      "在 `socket.join(…)` 之后和 `'disconnect'` 里调用它（那时这个 socket 已经离开了所有房间）。",
    ],
  },
  solution: { 'server.js': onlineServer, 'client.js': onlineClient, 'index.html': onlinePage },
  watchMs: 8_000,
  // Must reject: the starting code (no 'online' list); a list sent only to the newcomer (the first windows' latest list
  // misses the later ones); socket ids instead of nicknames. Must accept: the whole list to the room on every change,
  // sorted or not, from fetchSockets() or a Map. Also reject a list received but never shown (each window's visible
  // text must name all three, in any layout or wording). A window leaving cannot be seen here (nobody leaves during a
  // check): test/e2e/lesson-chat.test.ts covers it.
  check(o) {
    const joined = threeJoined(o);
    if ('pass' in joined) return joined;
    const { byParty, nicks } = joined;
    const everyone = [...nicks.values()].sort();
    for (const [party, packets] of byParty) {
      const lists = received(packets, 'online').filter((l) => Array.isArray(l.nicks));
      const latest = lists.length ? (lists[lists.length - 1]!.nicks as unknown[]).map(String) : undefined;
      if (latest && latest.length === everyone.length && everyone.every((n) => latest.includes(n))) continue;
      return {
        pass: false,
        saw: latest
          ? t('the latest “online” list in {p}: {l}', '{p} 收到的最新“online”名单：{l}', { p: partyName(party), l: quoteSome(latest, 5) })
          : t('{p} received no “online” event with a nicks list', '{p} 没有收到带 nicks 名单的“online”事件', { p: partyName(party) }),
        expected: t("every window's latest 'online' {room, nicks} to name all of {all}", "每个窗口最新的 'online' {room, nicks} 列出{all}全部", {
          all: quoteSome(everyone, 5),
        }),
      };
    }
    for (const party of byParty.keys()) {
      const shown = squash(o.windows?.[party] ?? '');
      const missing = everyone.filter((n) => !showsName(shown, n));
      if (missing.length === 0) continue;
      return {
        pass: false,
        saw: t('{p} received the whole list but does not show {m}; it shows: {s}', '{p} 收到了完整名单，却没有显示{m}；窗口里显示的是：{s}', {
          p: partyName(party),
          m: quoteSome(missing),
          s: tail(shown),
        }),
        expected: t('each window to show who is online (the #online line), naming all of {all}', '每个窗口都显示谁在线（#online 那一行），列出{all}全部', {
          all: quoteSome(everyone, 5),
        }),
      };
    }
    return { pass: true };
  },
};

/** Markup a browser would turn into something else if the text were set as HTML. */
const MARKUP = /<[a-z][^>]*>/i;

/** A nickname shown as a word of its own: guest-1 is not shown by a window that shows guest-10. */
function showsName(shown: string, nick: string): boolean {
  const escaped = nick.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_.-])${escaped}($|[^\\p{L}\\p{N}_.-])`, 'u').test(shown);
}

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * Whether each window shows the messages its join answer carried, as text and once. `messagesOf(party)`: every message
 * (offset, text) that window was sent, in the join answer or later, so a text the server sent twice may show twice.
 */
function historyShown(o: Observation, joins: Map<string, Ack>, messagesOf: (party: string) => Ack[]): CheckResult {
  for (const [party, answer] of joins) {
    const shown = squash(o.windows?.[party] ?? '');
    const all = messagesOf(party);
    for (const m of answer.messages as Ack[]) {
      const text = squash(m.text as string);
      if (text === '') continue;
      const count = occurrences(shown, text);
      if (count === 0) {
        const rendered = MARKUP.test(text) ? squash(text.replace(/<[^>]*>/g, '')) : undefined;
        if (rendered && shown.includes(rendered)) {
          return {
            pass: false,
            saw: t('{p} shows “{r}” for the message “{m}”: its markup was rendered as HTML', '{p} 把消息“{m}”显示成了“{r}”：里面的标记被当成 HTML 渲染了', {
              p: partyName(party),
              r: rendered,
              m: text,
            }),
            expected: t(
              'a message’s text shown exactly as sent (textContent, or a text node; never innerHTML)',
              '消息的文本原样显示（用 textContent 或文本节点，不要用 innerHTML）',
            ),
          };
        }
        return {
          pass: false,
          saw: t('{p} does not show “{m}” (offset {o}) from its join answer; it shows: {s}', '{p} 没有显示 join 确认里的“{m}”（offset {o}）；窗口里显示的是：{s}', {
            p: partyName(party),
            m: text,
            o: String(m.offset),
            s: tail(shown),
          }),
          expected: t(
            'each window to show the messages that came in its join answer (result.messages)',
            '每个窗口都显示 join 确认里带来的消息（result.messages）',
          ),
        };
      }
      const sent = new Set(all.filter((x) => typeof x.text === 'string' && squash(x.text).includes(text)).map((x) => x.offset));
      if (count > sent.size) {
        return {
          pass: false,
          saw: t('{p} shows “{m}” {n} times; the server sent it {k} time(s) (offset {o})', '{p} 把“{m}”显示了 {n} 次；服务器只发了 {k} 次（offset {o}）', {
            p: partyName(party),
            m: text,
            n: count,
            k: sent.size,
            o: [...sent].join(', '),
          }),
          expected: t(
            'each message shown once, however often it arrives (the join answer and a broadcast may both bring it: keep the offsets seen)',
            '每条消息只显示一次，不管它到了几次（join 确认和广播可能都带着它：记下见过的 offset）',
          ),
        };
      }
    }
  }
  return { pass: true };
}

// ---- The scene: what a person does, which the windows do not do by themselves ------------------------------------
// Nobody types or loses a connection while three windows just join, so a client that never ends "is typing…" or
// reconnects without its offset would pass on joining alone. The run itself plays a person instead (Scene in
// shared/lesson.ts): the page types in client 2's #input and sends, then makes every connection deaf toward the
// windows while client 3 sends, then cuts them all, with the network panel's own actions. The smallest honest way: no
// code of the learner's is replaced or added, the same controls exist in both runtimes (the frame's page, the
// backend's proxy), and it waits until the join's history shows, so earlier steps' runs and a person's own typing
// (which stops it) are left alone.

/** What the scene's person types in client 2, then sends. */
export const SCENE_TYPED = 'Anyone here?';
/** What client 3 sends while no window hears anything: each window must get it on reconnecting, and show it once. */
export const SCENE_MISSED = 'Did you get this?';
/** How soon after the server says someone stopped (or sent) the others must have ended their "is typing" line. */
const TYPING_ENDS_WITHIN_MS = 1_500;

/** The offsets of the messages a packet from the server carries: a join answer, a replay, a broadcast. */
function offsetsIn(p: WirePacket): number[] {
  const arg = p.sio?.args[0];
  if (!isObject(arg)) return [];
  const list = Array.isArray(arg.messages) ? (arg.messages as unknown[]) : p.sio?.type === 'EVENT' && p.sio.event === 'message' ? [arg] : [];
  return list.filter((m): m is Ack => isObject(m) && Number.isInteger(m.offset) && typeof m.text === 'string').map((m) => m.offset as number);
}

/** A duration in a sentence: seconds in English, 秒 in Chinese (docs/glossary.md). */
const duration = (ms: number) => ({ en: seconds(ms), zh: `${(ms / 1000).toFixed(1)} 秒` });

const lines = (text: string) => text.split('\n').map(squash).filter((l) => l !== '');

/**
 * Whether the windows that watched client 2 type ended its "is typing" line once the server said it stopped or sent.
 * The line is found without knowing its wording: the new line naming the typist that a window showed between hearing
 * "typing" and hearing the end of it (Observation.windowLog). Undefined when it did.
 */
function typingEnds(o: Observation, byParty: Map<string, WirePacket[]>, nicks: Map<string, string>): CheckResult | undefined {
  const typist = nicks.get('client 2');
  if (typist === undefined) return undefined;
  const expected = t(
    'while someone types, the others show it (the #typing line), and end that line as soon as the server says they stopped or sent (within {s})',
    '有人输入时，其他窗口显示出来（#typing 那一行）；服务器一说对方停止输入或已发送，就结束这一行（{s}之内）',
    { s: duration(TYPING_ENDS_WITHIN_MS) },
  );
  for (const [party, packets] of byParty) {
    if (party === 'client 2') continue;
    const fromTypist = sioEvents(packets, 's2c').filter((p) => {
      const arg = p.sio!.args[0];
      return isObject(arg) && (arg.nick === typist || arg.from === typist) && (p.sio!.event === 'typing' || p.sio!.event === 'message');
    });
    const startAt = fromTypist.findIndex((p) => p.sio!.event === 'typing' && (p.sio!.args[0] as Ack).typing === true);
    if (startAt < 0) {
      return {
        pass: false,
        saw: t('{p} was never told that “{n}” is typing (the run types in client 2’s #input)', '{p} 从没收到“{n}”正在输入的通知（运行时会在客户端 2 的 #input 里输入）', {
          p: partyName(party),
          n: typist,
        }),
        expected: t("the typist's window to emit 'typing' true, and the server to tell the others { room, nick, typing: true }", "输入的窗口发送 'typing' true，服务器告诉其他人 { room, nick, typing: true }"),
      };
    }
    const start = fromTypist[startAt]!.time;
    const end = fromTypist.slice(startAt + 1).find((p) => p.sio!.event === 'message' || (p.sio!.args[0] as Ack).typing !== true)?.time;
    if (end === undefined) {
      return {
        pass: false,
        saw: t('{p} was told that “{n}” is typing, and not yet that they stopped or sent', '{p} 收到了“{n}”正在输入的通知，还没收到对方停止输入或发送消息', { p: partyName(party), n: typist }),
        expected: t("'typing' false when the field is emptied or the message sent, passed on to the others", "输入框清空或消息发出时发送 'typing' false，并转告其他人"),
      };
    }
    const log = (o.windowLog ?? []).filter((w) => w.party === party);
    const before = new Set(lines([...log].reverse().find((w) => w.time <= start)?.text ?? ''));
    const typingLine = log
      .filter((w) => w.time > start && w.time <= end + 300)
      .flatMap((w) => lines(w.text))
      .find((l) => !before.has(l) && showsName(l, typist) && !l.includes(SCENE_TYPED));
    if (typingLine === undefined) {
      return {
        pass: false,
        saw: t('{p} showed no line naming “{n}” while told they were typing; it shows: {s}', '{p} 收到“{n}”正在输入的通知时，没有显示任何提到对方的新行；窗口里显示的是：{s}', {
          p: partyName(party),
          n: typist,
          s: tail(squash(o.windows?.[party] ?? '')),
        }),
        expected,
      };
    }
    const ended = log.find((w) => w.time > end && !lines(w.text).includes(typingLine));
    const late = ended ? ended.time - end > TYPING_ENDS_WITHIN_MS : o.elapsed - end > TYPING_ENDS_WITHIN_MS;
    if (ended && !late) continue;
    return {
      pass: false,
      saw: ended
        ? t('{p} ended “{l}” only {s} after the server said “{n}” stopped or sent', '服务器说“{n}”已停止输入或已发送后，{p} 过了 {s}才结束“{l}”', {
            p: partyName(party),
            l: typingLine,
            n: typist,
            s: duration(ended.time - end),
          })
        : t('{p} still shows “{l}” {s} after the server said “{n}” stopped or sent', '服务器说“{n}”已停止输入或已发送 {s}后，{p} 还显示着“{l}”', {
            p: partyName(party),
            l: typingLine,
            n: typist,
            s: duration(o.elapsed - end),
          }),
      expected,
    };
  }
  return undefined;
}

/**
 * Whether each window, once its connection was cut, came back asking for what it missed (auth.serverOffset: the highest
 * offset it had been sent) and shows the message sent meanwhile, once.
 */
function replayShown(o: Observation, byParty: Map<string, WirePacket[]>): CheckResult {
  for (const [party, packets] of byParty) {
    const sessions = connectedSessions(packets);
    const again = sessions.length > 1 ? packets.find((p) => p.direction === 'c2s' && p.sio?.type === 'CONNECT' && p.sid === sessions[1]) : undefined;
    if (!again) {
      return {
        pass: false,
        saw: t('{p} has not reconnected since the run cut the connections', '运行切断连接之后，{p} 还没有重连', { p: partyName(party) }),
        expected: t('each window to reconnect by itself after its connection is cut (socket.io does, unless told not to)', '连接被切断后，每个窗口自己重连（socket.io 默认会这样做）'),
      };
    }
    const seen = Math.max(0, ...packets.filter((p) => p.direction === 's2c' && p.time < again.time).flatMap(offsetsIn));
    const auth = again.sio!.args[0];
    const asked = isObject(auth) ? auth.serverOffset : undefined;
    if (asked !== seen) {
      return {
        pass: false,
        saw:
          asked === undefined
            ? t('{p} reconnected with auth {keys}: no serverOffset, though it had been sent messages up to offset {n}', '{p} 重连时的 auth 是 {keys}：没有 serverOffset，而它已经收到了 offset 到 {n} 的消息', {
                p: partyName(party),
                keys: isObject(auth) ? `{${Object.keys(auth).join(', ')}}` : String(auth),
                n: seen,
              })
            : t('{p} reconnected with serverOffset {a}; the highest offset it had been sent was {n}', '{p} 重连时 serverOffset 是 {a}；它收到过的最大 offset 是 {n}', {
                p: partyName(party),
                a: JSON.stringify(asked) ?? String(asked),
                n: seen,
              }),
        expected: t(
          'every reconnection to send the highest offset the window has seen in auth.serverOffset (auth as a function, so it is read again each time)',
          '每次重连都在 auth.serverOffset 里带上窗口见过的最大 offset（auth 写成函数，每次重连都会重新读取）',
        ),
      };
    }
    const shown = squash(o.windows?.[party] ?? '');
    const count = occurrences(shown, SCENE_MISSED);
    if (count === 1) continue;
    return {
      pass: false,
      saw:
        count === 0
          ? t('{p} does not show “{m}”, sent by client 3 while the windows heard nothing; it shows: {s}', '{p} 没有显示“{m}”（客户端 3 在各窗口什么都收不到时发出的）；窗口里显示的是：{s}', {
              p: partyName(party),
              m: SCENE_MISSED,
              s: tail(shown),
            })
          : t('{p} shows “{m}”, sent while the windows heard nothing, {n} times', '{p} 把“{m}”（各窗口什么都收不到时发出的）显示了 {n} 次', { p: partyName(party), m: SCENE_MISSED, n: count }),
      expected: t(
        'each window to show what it missed once it is back, once (the server replays every message above auth.serverOffset)',
        '每个窗口重连后把错过的消息显示出来，而且只显示一次（服务器补发 auth.serverOffset 之后的所有消息）',
      ),
    };
  }
  return { pass: true };
}

const history: Exercise = {
  id: 'history',
  title: { en: 'History on joining, with offsets', zh: '加入时的历史消息，带上偏移量' },
  task: {
    en: "Someone who joins should see what was said before. Keep every message the server accepts in an array, each with an increasing `offset` (1, 2, 3, …), and answer `'join'` with the room's latest 50 in `messages`. Start the array with a welcome message (offset 1), so there is history from the very first Run, and put some markup in its text, such as `<b>tags</b>`. The client shows those messages, each exactly once and as text (the markup stays visible, as typed), and remembers the highest offset it has seen: that number is what it sends, in `auth.serverOffset`, when it reconnects (the prose explains the rest). After a Run, every window's join answer carries messages with offsets, and every window shows them.\n\nOnce every window shows its history, the run plays a short scene with the network settings' own actions: client 2 types and sends; then the connections carry nothing toward the windows while client 3 sends; then every connection is cut. Each window must end the “is typing…” line when the typist sends, reconnect with `auth.serverOffset` set to the highest offset it has seen, and show what it missed, once. (Typing in a window yourself stops the scene.)",
    zh: "后加入的人应该能看到之前的聊天。服务器把收到的每条消息存进数组，每条带一个递增的 `offset`（1、2、3……），确认 `'join'` 时在 `messages` 里带上这个房间最新的 50 条。数组一开始放一条欢迎消息（offset 为 1），这样第一次运行就有历史可看；欢迎消息的文本里放一点标记，比如 `<b>tags</b>`。客户端显示这些消息，每条只显示一次，而且按文本显示（标记原样可见），并记住见过的最大 offset：重连时就把它放在 `auth.serverOffset` 里发给服务器（其余部分见正文）。运行后，每个窗口加入时收到的确认里都带着有 offset 的消息，每个窗口也都把它们显示出来。\n\n每个窗口都显示出历史消息之后，运行会用“网络状况”里的操作演一小段场景：客户端 2 输入一句话并发送；接着所有连接都不再把数据送到窗口，这时客户端 3 发一条消息；然后切断所有连接。每个窗口都要在对方发送后结束“正在输入”提示，重连时在 `auth.serverOffset` 里带上见过的最大 offset，并把错过的消息显示出来，而且只显示一次。（你自己在窗口里输入，场景就会停下。）",
  },
  hints: {
    en: [
      "`const history = [{ offset: 1, room: 'lobby', from: 'server', text: 'Welcome! <b>tags</b> show as typed.', time: Date.now() }];` and, for each new message, `offset: history.length + 1`.",
      "In the join handler: `messages: history.filter((m) => m.room === room).slice(-50)`.",
      'On the client, `` item.textContent = `${m.from}: ${m.text}` ``, never `innerHTML`; and keep a `Set` of the offsets shown, since the join answer and a broadcast can bring the same message.',
      'The solution is the whole chat: rooms, typing, private messages and delivery across reconnects too. Put it in the editor and try them in the three windows.',
    ],
    zh: [
      "`const history = [{ offset: 1, room: 'lobby', from: 'server', text: 'Welcome! <b>tags</b> show as typed.', time: Date.now() }];`，新消息的 `offset` 取 `history.length + 1`。",
      "在 join 的处理函数里：`messages: history.filter((m) => m.room === room).slice(-50)`。",
      '客户端用 `` item.textContent = `${m.from}: ${m.text}` ``，不要用 `innerHTML`；再用一个 `Set` 记下已显示的 offset，因为 join 确认和广播可能带来同一条消息。',
      '参考答案是完整的聊天室：房间、“正在输入”、私聊、断线重连后补发都在里面。把它放进编辑器，在三个窗口里试一试。',
    ],
  },
  solution: { 'server.js': finalServer, 'client.js': finalClient, 'index.html': finalPage },
  // The scene starts once the windows show their history (2–4 s in) and ends 5.3 s later; a reconnection takes 0.5–1.5 s.
  watchMs: 16_000,
  // Must reject: the starting code (no join answer with messages); history without offsets; offsets that do not grow
  // (a constant, or the time of day out of order); a history with no markup in it (then innerHTML cannot be told from
  // textContent); a client that never shows the join answer's messages (ignores `result.messages`); one that renders
  // them with innerHTML, so `<b>tags</b>` turn bold and vanish from the text; one that shows a message twice (the
  // join answer and a broadcast both bring it, or a forEach run twice). Must accept: every stored message with an
  // increasing offset however stored, shown in any layout (`from: text`, a table, text nodes) as long as each
  // message's text is on screen as sent, once per offset. Then, from the scene: a window that never ends "is typing…"
  // or ends it only by a time-out (ignores `typing: false` and the typist's message); one that reconnects without
  // `serverOffset` (auth without it, or an auth object read once, before the join); one that shows what it missed
  // twice (joins again on every connection and keeps no offsets) or never. Must accept: the typing line in any wording
  // or place, ended by `false` or by the message; auth as a function or `socket.auth` updated in place.
  scene: {
    ready: (o) => historyOnJoining(o).pass,
    // A pause first: a person (or a test) who starts using the windows as soon as they show the history stops the
    // scene before it does anything.
    steps: [
      { atMs: 1_500, party: 'client 2', type: SCENE_TYPED },
      { atMs: 2_700, party: 'client 2', type: '', send: true },
      { atMs: 4_000, network: 'silent-to-client' },
      { atMs: 4_300, party: 'client 3', type: SCENE_MISSED, send: true },
      { atMs: 5_300, network: 'kill' },
    ],
  },
  check(o) {
    const before = historyOnJoining(o);
    if (!before.pass) return before;
    const joined = threeJoined(o);
    if ('pass' in joined) return joined;
    return typingEnds(o, joined.byParty, joined.nicks) ?? replayShown(o, joined.byParty);
  },
};

/** The history check's first part: what the windows get and show on joining. The scene waits for it. */
function historyOnJoining(o: Observation): CheckResult {
  const joined = threeJoined(o);
  if ('pass' in joined) return joined;
  for (const [party, answer] of joined.joins) {
    const messages = Array.isArray(answer.messages) ? (answer.messages as unknown[]) : undefined;
    const withOffset = (messages ?? []).filter((m): m is Ack => isObject(m) && Number.isInteger(m.offset) && typeof m.text === 'string');
    const offsets = withOffset.map((m) => m.offset as number);
    const growing = offsets.every((n, i) => i === 0 || n > offsets[i - 1]!);
    if (messages && withOffset.length > 0 && withOffset.length === messages.length && !growing) {
      return {
        pass: false,
        saw: t('{p} joined with offsets {list}: they do not go up', '{p} 加入时收到的 offset 是 {list}：没有递增', { p: partyName(party), list: offsets.join(', ') }),
        expected: t('each message a larger offset than the one before (1, 2, 3, …)', '每条消息的 offset 都比前一条大（1、2、3……）'),
      };
    }
    if (messages && withOffset.length > 0 && withOffset.length === messages.length) continue;
    return {
      pass: false,
      saw: messages
        ? t('{p} joined with {n} messages, {k} of them with a numeric offset and a text', '{p} 加入时收到 {n} 条消息，其中 {k} 条有数字 offset 和 text', {
            p: partyName(party),
            n: messages.length,
            k: withOffset.length,
          })
        : t('the join answer of {p} has no messages array: {keys}', '{p} 收到的 join 确认里没有 messages 数组：{keys}', {
            p: partyName(party),
            keys: quoteSome(Object.keys(answer), 8),
          }),
      expected: t(
        'every join answer to carry the room’s latest messages, each with its offset and text (the welcome message at least)',
        '每个 join 确认都带着房间最新的消息，每条都有 offset 和 text（至少有那条欢迎消息）',
      ),
    };
  }
  const texts = [...joined.joins.values()].flatMap((a) => (a.messages as Ack[]).map((m) => m.text as string));
  if (!texts.some((x) => MARKUP.test(x))) {
    return {
      pass: false,
      saw: t('no message in the history has markup in its text: {list}', '历史消息的文本里都没有标记：{list}', { list: quoteSome([...new Set(texts)]) }),
      expected: t(
        'the welcome message to contain markup such as <b>tags</b>, so each window shows it is text, not HTML',
        '欢迎消息里带上 <b>tags</b> 这样的标记，每个窗口都能表明它显示的是文本而不是 HTML',
      ),
    };
  }
  return historyShown(o, joined.joins, (party) => {
    const packets = joined.byParty.get(party) ?? [];
    const later = [...received(packets, 'message'), ...received(packets, 'rejoined').flatMap((r) => (Array.isArray(r.messages) ? (r.messages as Ack[]) : []))];
    return [...(joined.joins.get(party)!.messages as Ack[]), ...later.filter(isObject)];
  });
}

export const exercises: Exercise[] = [nicknames, online, history];
