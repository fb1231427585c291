/**
 * The in-browser server's own words on its traffic (how an exchange ended, why a handshake failed, what a packet
 * carries), in both languages: the Traffic views show these notes as they are, and a run's language is fixed for its
 * life (RuntimeContext.lang). What the learner's code or a library said (a close reason, socket.io's disconnect
 * reason) is quoted inside them as it was.
 */
import { fill, type Lang, type Localized } from '../shared/localized.js';

const notes = {
  // How an HTTP exchange ended, seen from the server.
  responseEnded: { en: 'response ended', zh: '响应结束' },
  serverDestroyed: { en: 'server destroyed the connection', zh: '服务器销毁了连接' },
  clientGone: { en: 'client went away', zh: '客户端断开了' },
  killed: { en: 'the connection was killed', zh: '连接被切断了' },
  restarted: { en: 'the server restarted', zh: '服务器重启了' },
  lost: { en: 'the connection was lost (Network conditions: drop rate)', zh: '连接丢失了（“网络状况”：丢包率）' },
  serviceWorkerGaveUp: {
    en: 'the service worker gave up on the request (5 min without a response head)',
    zh: 'Service Worker 放弃了这个请求（5 分钟内没有收到响应头）',
  },
  runStopped: { en: 'run stopped', zh: '运行已停止' },
  serverCrashed: { en: 'server crashed', zh: '服务器崩溃了' },
  // An event stream's blocks that reach no client handler.
  notDispatched: {
    en: 'not dispatched: the stream ended before the blank line that ends an event',
    zh: '未派发：事件流结束时，这个事件还没等到结尾的空行',
  },
  heartbeatComment: { en: 'comment (a heartbeat: no event reaches the client)', zh: '注释（心跳：不会有事件到达客户端）' },
  noData: { en: 'no data: no event reaches the client', zh: '没有 data：不会有事件到达客户端' },
  // How a WebSocket's TCP connection ended, in the wire record (see src/shared/wire/connection-end.ts).
  droppedWithoutHandshake: { en: 'dropped without a closing handshake', zh: '没有关闭握手就断开了' },
  closingHandshakeComplete: { en: 'closing handshake complete', zh: '关闭握手已完成' },
  // A WebSocket handshake or frame the ws shim refused.
  verifyClientRefused: { en: 'verifyClient refused {url}: 401 Unauthorized', zh: 'verifyClient 拒绝了 {url}：401 Unauthorized' },
  noSubprotocol: {
    en: 'No subprotocol chosen among {protocols}: the browser fails the handshake',
    zh: '没有从 {protocols} 中选定子协议：浏览器会让握手失败',
  },
  closingWith1009: { en: '{reason}: closing with 1009', zh: '“{reason}”：以 1009 关闭连接' },
  // socket.io: the Engine.IO packets, the events decoded from them, the session.
  attachment: { en: 'attachment', zh: '附件' },
  attachmentBase64: { en: 'attachment (base64)', zh: '附件（base64）' },
  decodes: { en: 'decodes #{n}', zh: '解码自 #{n}' },
  binaryBytes: { en: '<binary {n} bytes>', zh: '<二进制，{n} 字节>' },
  sessionOpen: { en: 'Engine.IO session {id} over {transport}', zh: 'Engine.IO 会话 {id}，经由 {transport}' },
  sessionClosed: { en: 'Engine.IO session closed: {reason}', zh: 'Engine.IO 会话已关闭：{reason}' },
} satisfies Record<string, Localized>;

export type NoteKey = keyof typeof notes;

export function note(lang: Lang, key: NoteKey, values: Record<string, string | number> = {}): string {
  return fill(notes[key][lang], values);
}
