// Chinese for the sequence diagram and the transport comparison.
// `str` entries put the English template's values where ${0}, ${1}… stand.
import { str } from '@lit/localize';

export const templates = {
  'diagram-toolbar': '时序图',
  'diagram-all': '全部',
  'diagram-transport': '传输方式',
  'diagram-kind': '类型',
  'diagram-filter': '筛选',
  'diagram-filter-text': '按文字筛选',
  'diagram-scale': '按比例',
  'diagram-scale-title': '按实际时间比例画出停顿，而不是压缩它们',
  'diagram-pause': '暂停',
  'diagram-resume': '继续',
  'diagram-follow': '跟随最新',
  'diagram-list': '以时序图显示的网络流量',
  'diagram-empty': '还没有流量。',
  'diagram-held': str`挂起 ${0}`,
};
