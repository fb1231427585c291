/**
 * The chat lesson's history check, fed three windows' socket.io traffic as the client taps record it: each window a
 * WebSocket session (handshake, CONNECT, its `join` with an ack id, and the server's ACK with the join answer).
 */
import { describe, expect, it } from 'vitest';
import { exercises } from '../../../src/lessons/chat/exercises.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const history = exercises.find((e) => e.id === 'history')!;

/**
 * Three windows that joined; `answer(i)` is what the server acknowledged to window i's join, `shows(i)` what window i
 * shows (its innerText, as the run frame reports it).
 */
function threeWindows(answer: (i: number) => Record<string, unknown>, shows?: (i: number) => string): Observation {
  let seq = 0;
  const traffic: TrafficEvent[] = [];
  for (let i = 1; i <= 3; i++) {
    const party = `client ${i}`;
    const frame = (direction: 'c2s' | 's2c', body: string): TrafficEvent => ({
      seq: ++seq, time: seq * 10, party, observer: 'client', conn: 'ws#1', transport: 'ws', direction, kind: 'frame',
      bytes: body.length, preview: body, body, details: {},
    });
    traffic.push(
      { seq: ++seq, time: seq * 10, party, observer: 'client', conn: 'ws#1', transport: 'ws', direction: 'none', kind: 'open', bytes: 0, preview: '', details: { url: 'ws://localhost/socket.io/?EIO=4&transport=websocket' } },
      frame('s2c', `0{"sid":"e${i}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`),
      frame('c2s', '40'),
      frame('s2c', `40{"sid":"s${i}"}`),
      frame('c2s', `420["join",{"room":"lobby","nick":"guest-${i}"}]`),
      frame('s2c', `430${JSON.stringify([{ ok: true, room: 'lobby', nick: `guest-${i}`, online: [], ...answer(i) }])}`),
    );
  }
  const windows = shows ? Object.fromEntries([1, 2, 3].map((i) => [`client ${i}`, shows(i)])) : undefined;
  return { mode: 'browser', traffic, console: { server: [], client: [] }, errors: [], elapsed: 8000, ...(windows ? { windows } : {}) };
}
/**
 * The part of the history check that needs nobody to act: every window joined with history and shows it. The scene
 * starts then (scene.ready is that part); the check passes only once the scene was seen too (the tests at the end).
 */
const joinedWell = (o: Observation) => {
  const r = history.check(o);
  return history.scene!.ready(o) && !r.pass && /is typing/.test(r.saw?.en ?? '');
};
const msg = (offset: unknown, text = `m${String(offset)}`) => ({ offset, room: 'lobby', from: 'server', text, time: 0 });

describe('chat history: offsets on the join answer', () => {
  it('fails the step before (no messages in the join answer)', () => {
    const r = history.check(threeWindows(() => ({})));
    expect(r.pass).toBe(false);
    expect(r.saw?.en).toMatch(/client 1 has no messages array/);
  });

  it('fails history without offsets', () => {
    const r = history.check(threeWindows(() => ({ messages: [{ text: 'Welcome!' }] })));
    expect(r.saw?.en).toBe('client 1 joined with 1 messages, 0 of them with a numeric offset and a text');
  });

  it('fails offsets that do not go up (the same number for every message)', () => {
    const r = history.check(threeWindows(() => ({ messages: [msg(1), msg(1, 'again')] })));
    expect(r.saw?.en).toBe('client 1 joined with offsets 1, 1: they do not go up');
  });

  it('passes the welcome message at offset 1, and history kept differently (offsets from 10, with gaps)', () => {
    expect(joinedWell(threeWindows(() => ({ messages: [msg(1, WELCOME)] }), () => shipped([WELCOME])))).toBe(true);
    const gaps = (i: number) => [msg(10, WELCOME), msg(12), msg(12 + i)];
    expect(joinedWell(threeWindows((i) => ({ messages: gaps(i) }), (i) => shipped(gaps(i).map((m) => m.text))))).toBe(true);
  });
});

/** The shipped solution's markup in a window: innerText of the page, one line per message (`from: text`). */
const WELCOME = 'Welcome to the lobby! Messages show as typed, <b>tags</b> and all.';
const shipped = (texts: string[], from = 'server') =>
  ['Join Go offline', 'Online in lobby: guest-1, guest-2, guest-3', ...texts.map((x) => `${from}: ${x}`), 'guest-2 joined', '', 'everyone Send'].join('\n');

describe('chat history: what each window shows', () => {
  const welcome = () => ({ messages: [msg(1, WELCOME)] });

  it('passes the shipped solution’s windows, and another layout (a table, text nodes, no sender)', () => {
    expect(joinedWell(threeWindows(welcome, () => shipped([WELCOME])))).toBe(true);
    expect(joinedWell(threeWindows(welcome, () => `#\tText\n1\t${WELCOME}\nguest-2 joined`))).toBe(true);
  });

  it('fails a client that never renders the history (ignores messages in the join answer)', () => {
    const r = history.check(threeWindows(welcome, () => shipped([])));
    expect(r.pass).toBe(false);
    expect(r.saw?.en).toMatch(/^client 1 does not show “Welcome to the lobby! .*” \(offset 1\) from its join answer; it shows: .*Online in lobby/);
    expect(r.saw?.zh).toMatch(/^客户端 1 没有显示 join 确认里的“Welcome/);
    // No report from the windows at all (a run frame that showed nothing) is the same failure, not a pass.
    expect(history.check(threeWindows(welcome)).saw?.en).toMatch(/^client 1 does not show .* it shows: —$/);
  });

  it('fails a client that renders with innerHTML: the markup is gone from the text', () => {
    const r = history.check(threeWindows(welcome, () => shipped(['Welcome to the lobby! Messages show as typed, tags and all.'])));
    expect(r.pass).toBe(false);
    expect(r.saw?.en).toBe(`client 1 shows “Welcome to the lobby! Messages show as typed, tags and all.” for the message “${WELCOME}”: its markup was rendered as HTML`);
    expect(r.saw?.zh).toMatch(/里面的标记被当成 HTML 渲染了$/);
  });

  it('fails a window that shows a message twice, only in that window; passes the same text sent twice', () => {
    const r = history.check(threeWindows(welcome, (i) => shipped(i === 2 ? [WELCOME, WELCOME] : [WELCOME])));
    expect(r.pass).toBe(false);
    expect(r.saw?.en).toBe(`client 2 shows “${WELCOME}” 2 times; the server sent it 1 time(s) (offset 1)`);
    expect(r.saw?.zh).toBe(`客户端 2 把“${WELCOME}”显示了 2 次；服务器只发了 1 次（offset 1）`);
    const twice = () => ({ messages: [msg(1, WELCOME), msg(2, 'hi'), msg(3, 'hi')] });
    expect(joinedWell(threeWindows(twice, () => shipped([WELCOME, 'hi', 'hi'])))).toBe(true);
  });

  it('fails a history with no markup in it: innerHTML could not be told from textContent', () => {
    const r = history.check(threeWindows(() => ({ messages: [msg(1, 'Welcome!')] }), () => shipped(['Welcome!'])));
    expect(r.saw?.en).toBe('no message in the history has markup in its text: “Welcome!”');
  });
});

const nicknames = exercises.find((e) => e.id === 'nicknames')!;
const online = exercises.find((e) => e.id === 'online')!;

/** Adds server → window frames after the joins: `events(i)` is what window i received. */
function withReceived(o: Observation, events: (i: number) => string[]): Observation {
  let seq = 1000;
  const extra: TrafficEvent[] = [];
  for (let i = 1; i <= 3; i++) {
    for (const body of events(i)) {
      extra.push({ seq: ++seq, time: 5000 + seq, party: `client ${i}`, observer: 'client', conn: 'ws#1', transport: 'ws', direction: 's2c', kind: 'frame', bytes: body.length, preview: body, body: `4${body}`, details: {} });
    }
  }
  return { ...o, traffic: [...o.traffic, ...extra] };
}
const notice = (nick: string) => `2["notice",{"kind":"joined","room":"lobby","nick":"${nick}"}]`;
const list = (...nicks: string[]) => `2["online",{"room":"lobby","nicks":${JSON.stringify(nicks)}}]`;

describe('chat nicknames: join with a nickname, the others hear of it', () => {
  it('fails joins nobody hears of, and a newcomer told about itself', () => {
    expect(nicknames.check(threeWindows(() => ({}))).saw?.en).toMatch(/“joined” notices heard about: —/);
    const toSelf = withReceived(threeWindows(() => ({})), (i) => [notice(`guest-${i}`)]);
    expect(nicknames.check(toSelf).saw?.en).toBe('client 1 was told that “guest-1” joined: that is itself');
  });
  it('passes the others told, in any order', () => {
    const o = withReceived(threeWindows(() => ({})), (i) => (i === 1 ? [notice('guest-2'), notice('guest-3')] : i === 2 ? [notice('guest-3')] : []));
    expect(nicknames.check(o)).toEqual({ pass: true });
  });
});

describe('chat online: every window’s latest list names everyone', () => {
  it('fails a list sent only to the newcomer, and socket ids instead of nicknames', () => {
    const newcomerOnly = withReceived(threeWindows(() => ({})), (i) => [list(...['guest-1', 'guest-2', 'guest-3'].slice(0, i))]);
    expect(online.check(newcomerOnly).pass).toBe(false);
    expect(online.check(newcomerOnly).saw?.en).toMatch(/^the latest “online” list in client 1: “guest-1”$/);
    const ids = withReceived(threeWindows(() => ({})), () => [list('s1', 's2', 's3')]);
    expect(online.check(ids).pass).toBe(false);
  });
  it('passes the whole list to the room, sorted or not, shown in any wording', () => {
    const o = withReceived(threeWindows(() => ({}), () => 'Online: guest-1, guest-2, guest-3'), () => [list('guest-3', 'guest-1', 'guest-2')]);
    expect(online.check(o)).toEqual({ pass: true });
    const zh = withReceived(threeWindows(() => ({}), () => '在线：\nguest-3\nguest-1\nguest-2'), () => [list('guest-3', 'guest-1', 'guest-2')]);
    expect(online.check(zh)).toEqual({ pass: true });
  });
  it('fails a list received but not shown', () => {
    const o = withReceived(threeWindows(() => ({}), (i) => (i === 3 ? 'Online: guest-3' : 'Online: guest-1, guest-2, guest-3')), () => [list('guest-1', 'guest-2', 'guest-3')]);
    const r = online.check(o);
    expect(r.pass).toBe(false);
    expect(r.saw?.en).toBe('client 3 received the whole list but does not show “guest-1”, “guest-2”; it shows: Online: guest-3');
    expect(r.saw?.zh).toBe('客户端 3 收到了完整名单，却没有显示“guest-1”, “guest-2”；窗口里显示的是：Online: guest-3');
  });
});

describe('chat online: the list shown in every window', () => {
  const online = exercises.find((e) => e.id === 'online')!;
  /** Three windows that joined and got the whole list; `shows(i)` is what window i shows. */
  const withList = (shows: (i: number) => string): Observation => {
    const o = threeWindows(() => ({}), shows);
    let seq = 1000;
    const list = JSON.stringify(['online', { room: 'lobby', nicks: ['guest-1', 'guest-2', 'guest-3'] }]);
    const traffic = [...o.traffic];
    for (let i = 1; i <= 3; i++) {
      traffic.push({ seq: ++seq, time: seq, party: `client ${i}`, observer: 'client', conn: 'ws#1', transport: 'ws', direction: 's2c', kind: 'frame', bytes: 0, preview: '', body: `42${list}`, details: {} });
    }
    return { ...o, traffic };
  };

  it('passes every window showing the three names, in any layout', () => {
    expect(online.check(withList(() => 'Online: guest-1, guest-2, guest-3\nhello'))).toEqual({ pass: true });
    expect(online.check(withList(() => 'guest-1\nguest-2\nguest-3'))).toEqual({ pass: true });
  });

  it('fails a window whose only trace of a name is inside a longer one', () => {
    // guest-1 is not shown by guest-10, nor guest-2 by guest-2x.
    const result = online.check(withList((i) => (i === 2 ? 'Online: guest-10, guest-2x, guest-3' : 'guest-1 guest-2 guest-3')));
    expect(result).toMatchObject({ pass: false, saw: { en: expect.stringContaining('client 2 received the whole list but does not show') } });
  });
});

/**
 * The scene the history exercise plays (exercises.ts): client 2 types and sends “Anyone here?” (offset 2), then the
 * windows hear nothing while client 3 sends “Did you get this?” (offset 3), then every connection is cut and each
 * window reconnects. `auth(i)` is what window i's second CONNECT carries, `replay(i)` what its 'rejoined' brings,
 * `endsAfter` how long after the server said guest-2 sent its "is typing" line went (undefined: never),
 * `shows(i)` what window i shows at the end.
 */
function afterScene(opts: {
  auth?: (i: number) => Record<string, unknown> | undefined;
  replay?: (i: number) => Record<string, unknown>[];
  endsAfter?: number | undefined;
  shows?: (i: number) => string;
  elapsed?: number;
}): Observation {
  const welcome = () => ({ messages: [msg(1, WELCOME)] });
  const base = (i: number) => shipped([WELCOME]).replace('guest-2 joined', i === 1 ? 'guest-2 joined\nguest-3 joined' : 'guest-3 joined');
  const after = (i: number) => base(i).replace(`server: ${WELCOME}`, `server: ${WELCOME}\nguest-2: Anyone here?\nguest-3: Did you get this?`);
  // A line never ended is still there at the end.
  const shows = (i: number) => (opts.shows ?? after)(i) + (opts.endsAfter === undefined && i !== 2 ? '\nguest-2 is typing…' : '');
  const o = threeWindows(welcome, shows);
  let seq = 2000;
  const traffic = [...o.traffic];
  const push = (i: number, conn: string, time: number, direction: 'c2s' | 's2c' | 'none', kind: 'frame' | 'open', body: string) =>
    traffic.push({
      seq: ++seq, time, party: `client ${i}`, observer: 'client', conn, transport: 'ws', direction, kind, bytes: body.length, preview: body,
      ...(kind === 'frame' ? { body } : {}), details: kind === 'open' ? { url: 'ws://localhost/socket.io/?EIO=4&transport=websocket' } : {},
    });
  const typing = (typing: boolean) => `42["typing",{"room":"lobby","nick":"guest-2","typing":${typing}}]`;
  const message = (offset: number, from: string, text: string) => `42${JSON.stringify(['message', { offset, room: 'lobby', from, text, time: 0 }])}`;
  for (let i = 1; i <= 3; i++) {
    if (i !== 2) push(i, 'ws#1', 4000, 's2c', 'frame', typing(true));
    push(i, 'ws#1', 5200, 's2c', 'frame', message(2, 'guest-2', 'Anyone here?'));
    if (i !== 2) push(i, 'ws#1', 5201, 's2c', 'frame', typing(false));
    // The cut, and the reconnection with the offset seen; the replay brings what the silence kept from the window.
    push(i, 'ws#2', 7500, 'none', 'open', '');
    push(i, 'ws#2', 7501, 's2c', 'frame', `0{"sid":"f${i}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`);
    const auth = opts.auth ? opts.auth(i) : { clientId: `c${i}`, room: 'lobby', nick: `guest-${i}`, serverOffset: 2 };
    push(i, 'ws#2', 7502, 'c2s', 'frame', auth ? `40${JSON.stringify(auth)}` : '40');
    push(i, 'ws#2', 7503, 's2c', 'frame', `40{"sid":"t${i}"}`);
    const replay = opts.replay ? opts.replay(i) : [msg(3, 'Did you get this?')];
    push(i, 'ws#2', 7504, 's2c', 'frame', `42${JSON.stringify(['rejoined', { ok: true, room: 'lobby', nick: `guest-${i}`, online: [], messages: replay }])}`);
  }
  const windowLog: { party: string; time: number; text: string }[] = [];
  for (const i of [1, 3]) {
    const party = `client ${i}`;
    windowLog.push({ party, time: 3000, text: base(i) }, { party, time: 4250, text: `${base(i)}\nguest-2 is typing…` });
    const sent = base(i).replace(`server: ${WELCOME}`, `server: ${WELCOME}\nguest-2: Anyone here?`);
    if (opts.endsAfter === undefined) windowLog.push({ party, time: 5450, text: `${sent}\nguest-2 is typing…` });
    else windowLog.push({ party, time: 5201 + opts.endsAfter, text: sent });
    windowLog.push({ party, time: 7800, text: shows(i) });
  }
  return { ...o, traffic, windowLog, elapsed: opts.elapsed ?? 12_000 };
}

describe('chat history, the scene: "is typing…" ends when the typist sends', () => {
  it('passes the shipped client’s windows: the line gone a few hundred ms after the server said so', () => {
    expect(history.check(afterScene({ endsAfter: 300 }))).toEqual({ pass: true });
  });

  it('passes another wording and place of the typing line (found by the typist’s name, not by its words)', () => {
    const o = afterScene({ endsAfter: 300 });
    const reworded = o.windowLog!.map((w) => ({ ...w, text: w.text.replace('guest-2 is typing…', '✎ guest-2 …') }));
    expect(history.check({ ...o, windowLog: reworded })).toEqual({ pass: true });
  });

  it('fails a client that never ends the line (typing: false and the message ignored)', () => {
    const r = history.check(afterScene({ endsAfter: undefined }));
    expect(r.pass).toBe(false);
    expect(r.saw?.en).toMatch(/^client 1 still shows “guest-2 is typing…” 6\.8 s after the server said “guest-2” stopped or sent$/);
    expect(r.saw?.zh).toBe('服务器说“guest-2”已停止输入或已发送 6.8 秒后，客户端 1 还显示着“guest-2 is typing…”');
  });

  it('fails a client that ends it only by its own time-out', () => {
    const r = history.check(afterScene({ endsAfter: 2_800 }));
    expect(r.saw?.en).toBe('client 1 ended “guest-2 is typing…” only 2.8 s after the server said “guest-2” stopped or sent');
    expect(r.expected?.zh).toMatch(/（1\.5 秒之内）$/);
  });

  it('fails a client that never shows anyone typing, naming what it shows', () => {
    const o = afterScene({ endsAfter: 300 });
    const never = o.windowLog!.filter((w) => !w.text.includes('is typing'));
    expect(history.check({ ...o, windowLog: never }).saw?.en).toMatch(/^client 1 showed no line naming “guest-2” while told they were typing; it shows: /);
  });
});

describe('chat history, the scene: after the cut, each window asks from its offset and shows what it missed once', () => {
  it('fails a reconnection without serverOffset, and one with an auth read once, before the join', () => {
    const none = history.check(afterScene({ endsAfter: 300, auth: (i) => ({ clientId: `c${i}`, room: 'lobby', nick: `guest-${i}` }) }));
    expect(none.pass).toBe(false);
    expect(none.saw?.en).toBe('client 1 reconnected with auth {clientId, room, nick}: no serverOffset, though it had been sent messages up to offset 2');
    expect(none.saw?.zh).toBe('客户端 1 重连时的 auth 是 {clientId, room, nick}：没有 serverOffset，而它已经收到了 offset 到 2 的消息');
    const once = history.check(afterScene({ endsAfter: 300, auth: (i) => ({ clientId: `c${i}` }), replay: () => [] }));
    expect(once.saw?.en).toMatch(/^client 1 reconnected with auth \{clientId\}: no serverOffset/);
  });

  it('fails an offset that is not the highest seen (the first one, say)', () => {
    const r = history.check(afterScene({ endsAfter: 300, auth: (i) => ({ clientId: `c${i}`, serverOffset: 1 }) }));
    expect(r.saw?.en).toBe('client 1 reconnected with serverOffset 1; the highest offset it had been sent was 2');
  });

  it('fails a window that shows the missed message twice, and one that never shows it', () => {
    const twice = (i: number) => `${shipped([WELCOME])}\nguest-3: Did you get this?\nguest-3: Did you get this?`.replace('guest-2 joined', i === 1 ? 'guest-2 joined' : '');
    const r = history.check(afterScene({ endsAfter: 300, shows: twice }));
    expect(r.pass).toBe(false);
    expect(r.saw?.en).toBe('client 1 shows “Did you get this?”, sent while the windows heard nothing, 2 times');
    expect(r.saw?.zh).toBe('客户端 1 把“Did you get this?”（各窗口什么都收不到时发出的）显示了 2 次');
    const never = history.check(afterScene({ endsAfter: 300, shows: () => shipped([WELCOME]) }));
    expect(never.saw?.en).toMatch(/^client 1 does not show “Did you get this\?”, sent by client 3 while the windows heard nothing; it shows: /);
  });

  it('fails until the windows have reconnected (the scene has not cut them yet)', () => {
    const o = afterScene({ endsAfter: 300 });
    const r = history.check({ ...o, traffic: o.traffic.filter((e) => e.conn !== 'ws#2') });
    expect(r.saw?.en).toBe('client 1 has not reconnected since the run cut the connections');
  });

  it('passes socket.auth updated in place with more keys, and a replay that brings more than was missed (shown once)', () => {
    const o = afterScene({ endsAfter: 300, auth: (i) => ({ serverOffset: 2, clientId: `c${i}`, nick: `guest-${i}`, room: 'lobby', extra: true }), replay: () => [msg(2, 'Anyone here?'), msg(3, 'Did you get this?')] });
    expect(history.check(o)).toEqual({ pass: true });
  });
});

describe('the history exercise’s scene', () => {
  it('waits for every window to show its history, then types, silences, sends and cuts, in that order', () => {
    const scene = history.scene!;
    expect(scene.ready(threeWindows(() => ({ messages: [msg(1, WELCOME)] }), () => shipped([])))).toBe(false);
    expect(scene.ready(threeWindows(() => ({ messages: [msg(1, WELCOME)] }), () => shipped([WELCOME])))).toBe(true);
    expect(scene.steps.map((s) => ('network' in s ? s.network : `${s.party}${s.send ? ' sends' : ' types'}`))).toEqual([
      'client 2 types',
      'client 2 sends',
      'silent-to-client',
      'client 3 sends',
      'kill',
    ]);
  });
});
