/**
 * What a client window shows, as text, for the exercise checks: a chat check must see whether the history is on the
 * screen, shown as text and shown once, which no traffic event says. Only the visible text travels (never the DOM),
 * and at most a few times a second however fast the page changes.
 */
import { WINDOW_TEXT_MAX, type WindowItem } from '../shared/protocol.js';
const THROTTLE_MS = 250;

export function watchWindowText(doc: Document, party: string, report: (item: WindowItem) => void): () => void {
  let last = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = () => {
    timer = undefined;
    // innerText is what a person sees: markup set with innerHTML is rendered, text set with textContent is not.
    const text = (doc.body?.innerText ?? '').slice(-WINDOW_TEXT_MAX);
    if (text === last) return;
    last = text;
    report({ type: 'window', party, text });
  };
  const observer = new MutationObserver(() => {
    timer ??= setTimeout(send, THROTTLE_MS);
  });
  // Attributes only where they change what is shown (hidden, a class or a style that hides or shows): an animated
  // attribute elsewhere would read the whole text four times a second for nothing.
  observer.observe(doc.documentElement, { subtree: true, childList: true, characterData: true, attributeFilter: ['class', 'style', 'hidden'] });
  timer = setTimeout(send, THROTTLE_MS);
  return () => {
    observer.disconnect();
    if (timer !== undefined) clearTimeout(timer);
  };
}
