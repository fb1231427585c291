/**
 * Interface language. Lit's own localization (@lit/localize, runtime mode) re-renders every `@localized()` element
 * when the locale changes, so a switch changes the whole page at once. English is the source; Chinese templates are
 * bundled (they are small) so switching never waits for the network.
 */
import { configureLocalization } from '@lit/localize';
import { safeStorage } from '../page/storage.js';
import type { Lang } from '../shared/protocol.js';
import { templates as zh } from './zh.js';

const STORAGE_KEY = 'pushlab.lang';

export const { getLocale, setLocale } = configureLocalization({
  sourceLocale: 'en',
  targetLocales: ['zh'],
  loadLocale: async () => ({ templates: zh }),
});

/** The learner's choice if they made one, else the browser's first preference between Chinese and English. */
export function initialLang(): Lang {
  const stored = safeStorage()?.getItem(STORAGE_KEY);
  if (stored === 'zh' || stored === 'en') return stored;
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const l = tag.toLowerCase();
    if (l.startsWith('zh')) return 'zh';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

export function currentLang(): Lang {
  return getLocale() === 'zh' ? 'zh' : 'en';
}

export async function changeLang(lang: Lang, remember = true): Promise<void> {
  if (remember) safeStorage()?.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  await setLocale(lang);
}
