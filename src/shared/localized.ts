/**
 * The course's two languages, and text written in both. Every runtime speaks to the learner in their language: the
 * page (lessons, checks), the run frame and the in-browser runtime (their own messages), and the chat. One shape,
 * `Localized`, for all of them, and one way to fill a template's `{name}` placeholders.
 */

export type Lang = 'zh' | 'en';

/** The same text (or list, or anything) in each language: `{ en: 'Run', zh: '运行' }`. */
export type Localized<T = string> = Record<Lang, T>;

/**
 * Replaces each `{name}` in `template` with `values[name]`; a placeholder without a value is left as it is, so a
 * missing value shows in the text rather than vanishing.
 *
 * @example fill('saw {n} frames', { n: 3 }) // 'saw 3 frames'
 */
export function fill(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? `{${k}}`));
}

/**
 * A run's party as the learner's language names it: the run calls them 'server', 'client', 'client 2'…, which stay the
 * ids everywhere (traffic, filters, checks); only what is shown is translated.
 *
 * @example partyName('client 2').zh // '客户端 2'
 */
export function partyName(party: string): Localized {
  const m = /^(server|client)(?: (\d+))?$/.exec(party);
  if (!m) return { en: party, zh: party };
  const zh = m[1] === 'server' ? '服务器' : '客户端';
  return { en: party, zh: m[2] ? `${zh} ${m[2]}` : zh };
}
