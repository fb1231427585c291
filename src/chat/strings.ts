/**
 * The chat page's interface text in English and Chinese. The page is its own small entry (chat.html), outside the
 * playground's @lit/localize setup, so it keeps its strings here as {en, zh} pairs, the way runtime code does.
 */
import type { Lang, Localized } from '../shared/localized.js';

export const STRINGS = {
  title: { en: 'Pushlab chat', zh: 'Pushlab 聊天室' },
  lead: {
    en: 'A real chat on socket.io: rooms, private messages, history, and no message lost when the connection drops.',
    zh: '基于 socket.io 的真实聊天室：房间、私聊、历史记录，断线重连也不会丢消息。',
  },
  nick: { en: 'Nickname', zh: '昵称' },
  room: { en: 'Room', zh: '房间' },
  join: { en: 'Join', zh: '加入' },
  switchRoom: { en: 'Go to room', zh: '切换房间' },
  leave: { en: 'Leave', zh: '离开' },
  online: { en: 'Online', zh: '在线' },
  everyone: { en: 'Everyone', zh: '所有人' },
  to: { en: 'To', zh: '发给' },
  message: { en: 'Message', zh: '消息' },
  send: { en: 'Send', zh: '发送' },
  messages: { en: 'Messages', zh: '消息列表' },
  privately: { en: 'privately', zh: '私聊' },
  joined: { en: 'joined', zh: '加入了房间' },
  left: { en: 'left', zh: '离开了房间' },
  sending: { en: 'sending…', zh: '发送中…' },
  stored: { en: 'sent', zh: '已发送' },
  failed: { en: 'not sent', zh: '未发送' },
  gap: {
    en: 'You were away a long time: only the oldest missed messages are shown; reload for the newest.',
    zh: '离开时间太长：只显示了最早错过的消息，刷新页面可看到最新消息。',
  },
  connected: { en: 'connected', zh: '已连接' },
  reconnecting: { en: 'reconnecting… messages you send will go out once back', zh: '正在重连…发送的消息会在恢复后发出' },
  unreachable: {
    en: 'Cannot reach the chat server. The chat needs the Pushlab backend: start it with npm start.',
    zh: '无法连接聊天服务器。聊天室需要 Pushlab 后端：请用 npm start 启动。',
  },
  typingOne: { en: '{0} is typing…', zh: '{0} 正在输入…' },
  typingMany: { en: '{0} are typing…', zh: '{0} 正在输入…' },
  count: { en: '{0}/{1}', zh: '{0}/{1}' },
  language: { en: 'Language', zh: '界面语言' },
  course: { en: 'Back to the course', zh: '返回课程' },
} satisfies Record<string, Localized>;

export type StringKey = keyof typeof STRINGS;

export function text(lang: Lang, key: StringKey, ...values: Array<string | number>): string {
  return STRINGS[key][lang].replace(/\{(\d)\}/g, (_, i: string) => String(values[Number(i)] ?? ''));
}
