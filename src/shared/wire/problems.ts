/**
 * What a wire decoder says when bytes are not what their protocol allows: in both languages, since the views show it
 * to the learner; what the bytes said is quoted as it was, in either.
 */
import type { Localized } from '../localized.js';

export type { Localized };

/** The same prefix in each language, then `detail` as it is (a library's message, a preview of the bytes). */
export function prefixed(prefix: Localized, detail: string): Localized {
  return { en: prefix.en + detail, zh: prefix.zh + detail };
}

/** The prefix, then the offending text quoted as a JSON string (so a control character shows as its escape). */
export function quoting(prefix: Localized, text: string): Localized {
  return prefixed(prefix, JSON.stringify(text));
}
