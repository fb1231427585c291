/** The run frame's own words to the learner, in both languages. Kept out of Lit so the frame stays small. */
import { fill, type Lang, type Localized } from '../shared/localized.js';

const texts = {
  endlessLoop: {
    en: 'Stopped an endless loop in {file} at line {line}: it ran {ms} ms without giving the browser a turn. Add a way out of the loop, or wait with setTimeout/setInterval instead.',
    zh: '已停止 {file} 第 {line} 行的死循环：它连续运行了 {ms} 毫秒，没有把控制权交还给浏览器。请给循环加上退出条件，或改用 setTimeout/setInterval 等待。',
  },
  serverExited: {
    en: 'The server crashed (as Node would, on an uncaught exception) and stopped; the client keeps running.',
    zh: '服务器因未捕获的异常而崩溃并停止（与 Node 的行为一致）；客户端仍在运行。',
  },
  runtimeFailed: {
    en: 'The in-browser server could not start: {reason}',
    zh: '浏览器内服务器无法启动：{reason}',
  },
  unhandledRejection: {
    en: 'Unhandled promise rejection: {reason}',
    zh: '未处理的 Promise 拒绝：{reason}',
  },
} satisfies Record<string, Localized>;

export function say(lang: Lang, key: keyof typeof texts, values: Record<string, string | number> = {}): string {
  return fill(texts[key][lang], values);
}
