import type { Lang } from '../../shared/protocol.js';

/** The socket.io shim's lines in the server console, in the learner's language. */
export function malformedPacket(lang: Lang, layer: 'Engine.IO' | 'Socket.IO', packet: string, reason: string): string {
  const shown = packet.length > 80 ? packet.slice(0, 79) + '…' : packet;
  return lang === 'zh'
    ? `[socket.io] 收到无法解析的 ${layer} 数据包 ${JSON.stringify(shown)}（${reason}），已关闭该连接，真实的 socket.io 也会这样做。`
    : `[socket.io] Closed a connection after a malformed ${layer} packet ${JSON.stringify(shown)} (${reason}), as socket.io does.`;
}
