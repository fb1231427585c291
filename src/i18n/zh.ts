/**
 * Chinese interface strings, keyed by the ids given to `msg()`. Each area keeps its own file under zh/ so that people
 * working on different components never edit the same file; test/unit/i18n.test.ts checks that every id used in
 * src/ has a Chinese text.
 */
import type { LocaleModule } from '@lit/localize';
import { templates as diagram } from './zh/diagram.js';
import { templates as inspector } from './zh/inspector.js';
import { templates as layout } from './zh/layout.js';
import { templates as network } from './zh/network.js';
import { templates as shell } from './zh/shell.js';
import { templates as wire } from './zh/wire.js';

export const templates: LocaleModule['templates'] = {
  ...shell,
  ...inspector,
  ...diagram,
  ...network,
  ...layout,
  ...wire,
};
