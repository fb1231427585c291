import type { Lang } from '../../shared/protocol.js';

/** The http shim's own lines in the server console, in the learner's language. */
export const messages = {
  statusOutOfRange: (status: number) => ({
    en: `Status ${status} cannot be sent from the in-browser runtime (a browser Response takes 200–599): the client sees a network error. Switch to real Node to send it.`,
    zh: `浏览器内运行时无法发送状态码 ${status}（浏览器的 Response 只接受 200–599），客户端会看到网络错误。请切换到“真实 Node”模式。`,
  }),
} satisfies Record<string, (...args: never[]) => Record<Lang, string>>;
