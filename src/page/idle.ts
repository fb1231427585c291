/**
 * Resolves once the browser has painted the page and has a moment to spare (or after `timeoutMs` at the latest).
 * Parts that are not needed to read a lesson or press Run (the editor, the traffic views, the charts) wait for it,
 * so the lesson becomes usable on the smallest download and they arrive a moment later.
 */
export function whenIdle(timeoutMs = 300): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: timeoutMs });
      else setTimeout(resolve, 0);
    });
  });
}
