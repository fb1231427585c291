/**
 * Small readers over an Observation that lesson checks share. Checks use only what both runtimes observe: the
 * client taps' traffic (observer 'client') and the two consoles. The server shims' events exist only in browser mode.
 */
import type { Observation } from '../../shared/lesson.js';
import { fill, type Lang, type Localized } from '../../shared/localized.js';
import type { Transport, TrafficEvent } from '../../shared/traffic.js';

export function clientEvents(o: Observation, transport?: Transport): TrafficEvent[] {
  return o.traffic.filter((e) => e.observer === 'client' && (!transport || e.transport === transport));
}

export function consoleTexts(o: Observation, side: 'server' | 'client'): { time: number; text: string }[] {
  return o.console[side].filter((l) => l.level !== 'error' || !Number.isNaN(l.time));
}

/** Both languages from one template: `t('saw {n} frames', '看到 {n} 帧', { n: 3 })`; a value may itself be in both languages (`partyName(party)`). */
export function t(en: string, zh: string, values: Record<string, string | number | Localized> = {}): Localized {
  const pick = (lang: Lang) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'object' ? v[lang] : v]));
  return { en: fill(en, pick('en')), zh: fill(zh, pick('zh')) };
}

/** A short, quoted list of texts for "saw:" messages. */
export function quoteSome(texts: string[], max = 3): string {
  if (texts.length === 0) return '—';
  const shown = texts.slice(0, max).map((s) => `“${s.length > 60 ? s.slice(0, 59) + '…' : s}”`);
  return shown.join(', ') + (texts.length > max ? ` (+${texts.length - max})` : '');
}

/** A run time for "saw:" messages: 3127 → "3.1 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
