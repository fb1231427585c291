import type { Exercise } from '../../shared/lesson.js';
import { clientEvents, consoleTexts, t } from '../checks/observe.js';

/**
 * The course's server starts a timer per connection and never clears it. The starting code logs each send, so the
 * leak is visible in the server console; the check looks for sends logged well after the client's close.
 */
const stopTheTimer: Exercise = {
  id: 'stop-the-timer',
  title: { en: 'Stop the timer when the client leaves', zh: '客户端离开时停止定时器' },
  task: {
    en: 'Make the server log each send (`console.log(\'sent\')` inside the timer), run, and watch the server console after the client closes: the sends go on. Clear the timer when the connection closes (`ws.on(\'close\', …)`).',
    zh: '让服务器在每次发送时打印日志（在定时器里写 `console.log(\'sent\')`），运行，然后观察客户端关闭之后的服务器控制台：发送并没有停止。请在连接关闭时清除定时器（`ws.on(\'close\', …)`）。',
  },
  hints: {
    en: ['`setInterval` returns an id; keep it in a variable.', "Inside the 'connection' handler, add `ws.on('close', () => clearInterval(timer))`."],
    zh: ['`setInterval` 会返回一个 id，把它存到变量里。', "在 'connection' 回调里加上 `ws.on('close', () => clearInterval(timer))`。"],
  },
  solution: {
    'server.js': `var WebSocketServer = require('ws').Server,
  wss = new WebSocketServer({ port: 8181 });

wss.on('connection', function (ws) {
  console.log('client connected');
  ws.on('message', function (message) {
    console.log('received:', message.toString());
  });
  const timer = setInterval(() => {
    ws.send(JSON.stringify({ name: '张三', age: 20 }));
    console.log('sent');
  }, 1000);
  ws.on('close', () => {
    clearInterval(timer);
    console.log('client left, timer cleared');
  });
});
`,
  },
  watchMs: 7_000,
  check(o) {
    const close = clientEvents(o, 'ws').find((e) => e.kind === 'close');
    const sends = consoleTexts(o, 'server').filter((l) => /\bsent\b/.test(l.text));
    if (sends.length === 0) {
      return {
        pass: false,
        saw: t('no “sent” line in the server console', '服务器控制台里没有 “sent”'),
        expected: t('the server to log “sent” at each send', '服务器每次发送时打印 “sent”'),
      };
    }
    if (!close) {
      return {
        pass: false,
        saw: t('{n} sends, and the client has not closed yet', '发送了 {n} 次，客户端还没有关闭', { n: sends.length }),
        expected: t('the client to close (the lesson’s client does after 3.5 s)', '客户端关闭连接（课程的客户端 3.5 秒后关闭）'),
      };
    }
    // A send already on its way when the client closed may still be logged; one interval later, none should be.
    const late = sends.filter((l) => l.time > close.time + 1_200);
    if (late.length > 0) {
      return {
        pass: false,
        saw: t('{n} sends logged after the client closed', '客户端关闭后仍打印了 {n} 次发送', { n: late.length }),
        expected: t('no sends once the connection is closed', '连接关闭后不再发送'),
      };
    }
    const watched = o.elapsed - close.time;
    return watched >= 2_500
      ? { pass: true }
      : { pass: false, saw: t('watching the server after the close…', '正在观察关闭后的服务器…'), expected: t('2.5 s without sends after the close', '关闭后 2.5 秒内没有发送') };
  },
};

export const exercises: Exercise[] = [stopTheTimer];
