import type { Localized } from '../../shared/localized.js';

/** The http shim's own lines in the server console, in the learner's language. */
export const messages = {
  statusOutOfRange: (status: number) => ({
    en: `Status ${status} cannot be sent from the in-browser runtime (a browser Response takes 200–599): the client sees a network error. Switch to real Node to send it.`,
    zh: `浏览器内运行时无法发送状态码 ${status}（浏览器的 Response 只接受 200–599），客户端会看到网络错误。请切换到“真实 Node”模式。`,
  }),
  heldTooLong: (method: string, url: string, minutes: number) => ({
    en: `${method} ${url} waited ${minutes} minutes without a response head: the browser's service worker gives up on a request after that, so the client sees a network error. Real Node would keep waiting: answer sooner (long polls usually answer within 30 s) or switch to real Node.`,
    zh: `${method} ${url} 已等待 ${minutes} 分钟仍未发送响应头：浏览器的 Service Worker 到时会放弃这个请求，客户端会看到网络错误。真实的 Node 会一直等下去：请更早响应（长轮询通常在 30 秒内响应），或切换到“真实 Node”模式。`,
  }),
} satisfies Record<string, (...args: never[]) => Localized>;
