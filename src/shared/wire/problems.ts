/**
 * What a wire decoder says when bytes are not what their protocol allows: in both languages, since the views show it
 * to the learner; what the bytes said is quoted as it was, in either.
 */
import type { ParseError } from 'eventsource-parser';
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

/** `text` as a JSON string, cut at `max` characters: a long line the learner sent stays one line of a note. */
export function preview(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * A line of an event stream the browser skips, as eventsource-parser reports it: its ParseError says what it saw (the
 * field, the value), from which the message is written in each language; a kind it may add later keeps its own words.
 */
export function sseLineIgnored(error: Pick<ParseError, 'type' | 'field' | 'value' | 'message'> | { type: 'invalid-retry' | 'unknown-field'; field: string; value: string }): Localized {
  const prefix: Localized = { en: 'ignored by the browser: ', zh: '浏览器忽略了这一行：' };
  // A line with no colon is all field name: a forgotten `data: ` before a long text would make a note as long.
  if (error.type === 'invalid-retry') {
    const value = preview(error.value ?? '');
    return { en: `${prefix.en}retry takes only digits, not ${value}`, zh: `${prefix.zh}retry 只接受数字，这里是 ${value}` };
  }
  if (error.type === 'unknown-field') {
    const field = preview(error.field ?? '');
    return { en: `${prefix.en}unknown field ${field}`, zh: `${prefix.zh}未知字段 ${field}` };
  }
  return prefixed(prefix, 'message' in error ? error.message : error.type);
}
