import type { Lang } from '../shared/protocol.js';

/**
 * Thrown when learner code asks the browser runtime for something Node has and the shim does not. It never silently
 * differs from Node: it names what is missing and points to the real backend.
 */
export class UnsupportedError extends Error {
  override name = 'UnsupportedError';
}

export function unsupported(what: string, lang: Lang): UnsupportedError {
  return new UnsupportedError(
    lang === 'zh'
      ? `浏览器内运行时不支持 ${what}。请切换到“真实 Node”模式运行这段代码。`
      : `${what} is not available in the in-browser runtime. Switch to real Node to run this code.`,
  );
}
