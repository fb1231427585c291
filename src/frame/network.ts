/**
 * The run frame's side of the network panel (browser mode): the page's `network` and `network-action` messages,
 * applied to the in-browser runtime's network (src/mocks/network). Client frames of a chat run need none of this:
 * their connections go through the server frame's runtime, which the page addresses.
 */
import type { BrowserRuntime } from '../mocks/runtime.js';
import type { Localized } from '../shared/localized.js';
import type { Lang, NetworkControlMessage } from '../shared/protocol.js';

const texts = {
  killed: { en: '[network] every connection was killed', zh: '[网络] 所有连接已被切断' },
  offline: { en: '[network] offline: connections fail until back online', zh: '[网络] 已离线：恢复在线之前连接都会失败' },
  online: { en: '[network] back online', zh: '[网络] 已恢复在线' },
  silent: {
    en: '[network] the open connections went silent: they stay open and carry nothing more',
    zh: '[网络] 现有连接已“静默”：连接还开着，但不再传输任何数据',
  },
  silentToServer: {
    en: '[network] the open connections went silent toward the server: what the client sends vanishes',
    zh: '[网络] 现有连接在发往服务器的方向上静默：客户端发出的数据不再到达',
  },
  silentToClient: {
    en: '[network] the open connections went silent toward the client: what the server sends vanishes',
    zh: '[网络] 现有连接在发往客户端的方向上静默：服务器发出的数据不再到达',
  },
  restarted: { en: '[network] the server restarted: server.js runs again from the top', zh: '[网络] 服务器已重启：server.js 从头重新运行' },
} satisfies Record<string, Localized>;

/**
 * The server console as one evaluation of server.js sees it. After a restart the old evaluation's timers still exist
 * in this realm (they cannot be told from the client's), but the process that owned them is gone in the story the run
 * tells: what they print is dropped, as a dead process prints nothing.
 */
export class ServerConsoles {
  #generation = 0;

  constructor(private readonly console: Console) {}

  /** A console for the next evaluation; every earlier one falls silent. */
  next(): Console {
    const mine = ++this.#generation;
    const target = this.console;
    return new Proxy(target, {
      get: (object, key) => {
        const value = Reflect.get(object, key) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (mine === this.#generation ? (value as (...a: unknown[]) => unknown).apply(object, args) : undefined);
      },
    });
  }
}

export interface NetworkControlDeps {
  /** The live runtime; undefined once the server crashed (nothing left to disturb). */
  runtime(): BrowserRuntime | undefined;
  /** Evaluates server.js again, with a fresh console from ServerConsoles. */
  evaluateServer(): void;
  /** The server console, for the frame's own notes of what the panel did. */
  note(text: string): void;
  lang: Lang;
}

/** Applies one message from the page. */
export function applyNetworkControl(message: NetworkControlMessage, deps: NetworkControlDeps): void {
  const network = deps.runtime()?.network;
  if (!network) return;
  if (message.type === 'network') {
    network.set(message.conditions);
    return;
  }
  switch (message.action) {
    case 'kill':
      deps.note(texts.killed[deps.lang]);
      network.kill();
      break;
    case 'offline':
      deps.note(texts.offline[deps.lang]);
      network.setOffline(true);
      break;
    case 'online':
      deps.note(texts.online[deps.lang]);
      network.setOffline(false);
      break;
    case 'silent':
    case 'silent-to-server':
    case 'silent-to-client':
      deps.note(texts[message.action === 'silent' ? 'silent' : message.action === 'silent-to-server' ? 'silentToServer' : 'silentToClient'][deps.lang]);
      network.silence(message.action);
      break;
    case 'restart':
      network.restart();
      deps.note(texts.restarted[deps.lang]);
      deps.evaluateServer();
      break;
  }
}
