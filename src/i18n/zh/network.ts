// Chinese for the network panel (src/components/network-panel.ts).
import { str } from '@lit/localize';

export const templates = {
  'net-title': '网络状况',
  'net-latency': '附加延迟',
  'net-latency-value': str`单程 ${0} 毫秒`,
  'net-bandwidth': '带宽',
  'net-bandwidth-value': str`${0} kbit/s`,
  'net-unlimited': '不限',
  'net-drop': '丢包率',
  'net-kill': '切断连接',
  'net-offline': '断网',
  'net-restart': '重启服务器',
  'net-silent': '静默',
  'net-silent-way': '哪个方向静默',
  'net-silent-both': '双向',
  'net-silent-to-server': '发往服务器的方向',
  'net-silent-to-client': '发往客户端的方向',
  'net-silent-note':
    '“静默”会让现有连接变成半开连接：两端都以为连接还在，但之后什么都传不过去，连关闭帧也不行。只有带超时判断的心跳能发现它；新建的连接不受影响。',
  'net-drop-note': '“丢包”在这里会让整个连接断开，而不只是丢掉一条消息：TCP 会重传丢失的数据包，所以网络不稳定时，WebSocket 或数据流真正遇到的是连接被切断。',
  'net-real-note':
    '真实 Node 模式：这些条件由后端的代理施加。客户端发往本次运行服务器的网络流量都经过它：相对 URL、io()，以及 ws://localhost:8181 这类本机端口（页面会把它们转到后端）。',
};
