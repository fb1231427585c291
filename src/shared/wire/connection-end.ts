/**
 * How the record of the wire says a TCP connection ended, in the learner's language: browser mode's wire tap
 * (src/mocks/wire-tap.ts) and real mode's recorder, as the page reads it (src/page/run-session.ts), say it alike.
 */
import type { Lang } from '../localized.js';

/** `how`: what the side knows of it (a closing handshake); `reset`: the socket ended with an error (a TCP reset). */
export function connectionEnded(lang: Lang, by: 'client' | 'server', how?: string, reset = false): string {
  const who = lang === 'zh' ? (by === 'client' ? '客户端' : '服务器') : by;
  const text = lang === 'zh' ? `${who}结束了连接` : `${who} ended the connection`;
  const withReset = reset ? text + (lang === 'zh' ? '（连接被重置）' : ' (reset)') : text;
  return how ? withReset + (lang === 'zh' ? '：' : ': ') + how : withReset;
}
