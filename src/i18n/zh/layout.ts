// Chinese for the lesson's layout: the split between text and playground, the full-window switch, and the phone tabs.
import { str } from '@lit/localize';

export const templates = {
  'narrow-tabs-label': '本课',
  'narrow-read': '阅读',
  'narrow-code': '代码',
  'split-label': '调整课文和练习区的宽度',
  'split-value': str`课文占页面宽度的 ${0}%`,
  'full-on': '铺满窗口',
  'full-off': '显示课文',
  'full-on-title': '让练习区和网络流量视图占满整个窗口',
  'full-off-title': '重新显示课文',
};
