/**
 * The page's localStorage, for what the playground remembers on this machine: the learner's edits, progress, mode
 * and interface language. localStorage throws in some privacy modes (and is absent outside a page); the playground
 * then simply forgets, so every reader and writer goes through here.
 */
export function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
