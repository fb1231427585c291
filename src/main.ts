import { changeLang, initialLang } from './i18n/locale.js';
import './components/pushlab-app.js';

// The language is set before the first render settles, so a Chinese reader never sees the English flash for long.
void changeLang(initialLang(), false);

import { keepSiteOffline } from './page/offline.js';

keepSiteOffline();
