import { decodePayload, encodePacket, type Packet } from 'engine.io-parser';
import type { IncomingMessageLike, ServerResponseLike } from '../node-api.js';
import type { ConnTraffic } from '../traffic.js';
import { Transport, type OutPacket } from './transport.js';
import { utf8Length } from '../../../shared/wire/bytes.js';

/** Engine.IO v4 joins the packets of a polling payload with a record separator. */
const SEPARATOR = '\x1e';

/**
 * engine.io's HTTP long-polling transport: a GET is held until there are packets to send (at the latest the next
 * ping), a POST carries the client's packets. One of each at a time, as engine.io enforces.
 */
export class PollingTransport extends Transport {
  readonly name = 'polling';
  private res: ServerResponseLike | null = null;
  private cleanupPoll: (() => void) | null = null;
  private dataReq: IncomingMessageLike | null = null;
  private shouldClose: (() => void) | null = null;

  constructor(
    traffic: ConnTraffic,
    private readonly maxHttpBufferSize: number,
  ) {
    super(traffic);
  }

  onRequest(req: IncomingMessageLike, res: ServerResponseLike): void {
    if (req.method === 'GET') this.onPollRequest(req, res);
    else if (req.method === 'POST') this.onDataRequest(req, res);
    else {
      res.writeHead(500);
      res.end();
    }
  }

  private onPollRequest(req: IncomingMessageLike, res: ServerResponseLike): void {
    if (this.res) {
      this.onError('overlap from client');
      res.writeHead(400);
      res.end();
      return;
    }
    this.res = res;
    const onClose = () => this.onError('poll connection closed prematurely');
    req.on('close', onClose);
    this.cleanupPoll = () => {
      req.removeListener('close', onClose);
      this.res = null;
      this.cleanupPoll = null;
    };
    this.writable = true;
    this.emit('ready');
    if (this.writable && this.shouldClose) this.send([{ type: 'noop' }]);
  }

  private onDataRequest(req: IncomingMessageLike, res: ServerResponseLike): void {
    if (this.dataReq) {
      this.onError('data request overlap from client');
      res.writeHead(400);
      res.end();
      return;
    }
    this.dataReq = req;
    const decoder = new TextDecoder();
    let text = '';
    let tooLarge = false;
    const cleanup = () => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('close', onClose);
      this.dataReq = null;
    };
    const onClose = () => {
      cleanup();
      this.onError('data request connection closed prematurely');
    };
    const onData = (chunk: string | Uint8Array) => {
      text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text.length > this.maxHttpBufferSize) {
        tooLarge = true;
        res.writeHead(413);
        res.end();
        cleanup();
      }
    };
    const onEnd = () => {
      if (tooLarge) return;
      cleanup();
      this.onData(text + decoder.decode());
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': '2', 'cache-control': 'no-store' });
      res.end('ok');
    };
    req.on('close', onClose);
    req.on('data', onData);
    req.on('end', onEnd);
  }

  private onData(payload: string): void {
    // decodePayload does the split; each packet is reported on its own so the inspector shows them one by one.
    const parts = payload.split(SEPARATOR);
    const packets = decodePayload(payload, 'arraybuffer');
    packets.forEach((packet, i) => {
      const decoded = this.receive(parts[i] ?? '', false);
      if (packet.type === 'close') {
        this.onClose();
        return;
      }
      this.onPacket(decoded);
    });
  }

  protected override onClose(): void {
    if (this.writable) this.send([{ type: 'noop' }]);
    super.onClose();
  }

  send(packets: OutPacket[]): void {
    this.writable = false;
    if (this.shouldClose) {
      packets.push({ type: 'close' });
      this.shouldClose();
      this.shouldClose = null;
    }
    const res = this.res;
    const cleanup = this.cleanupPoll;
    if (!res) return;
    // Each packet is encoded on its own (what encodePayload does before joining) so each can be reported; base64 of
    // binary data is asynchronous in the browser build, so the whole payload waits for all of them.
    void Promise.all(
      packets.map((packet) => new Promise<string>((resolve) => encodePacket(packet, false, (d) => resolve(d as string)))),
    ).then((encoded) => {
      cleanup?.();
      const payload = encoded.join(SEPARATOR);
      // engine.io's doWrite states the length (its writeHead would otherwise make Node frame the body as chunked).
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8', 'Content-Length': String(utf8Length(payload)), 'cache-control': 'no-store' });
      res.end(payload);
      packets.forEach((packet, i) => {
        const ref = this.traffic.packet('s2c', this.name, encoded[i]!, packet);
        packet.onWire?.(ref);
      });
      this.emit('drain');
    });
  }

  protected doClose(fn?: () => void): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onClose = () => {
      clearTimeout(timer);
      fn?.();
      this.onClose();
    };
    if (this.writable) {
      this.send([{ type: 'close' }]);
      onClose();
    } else if (this.discarded) {
      onClose();
    } else {
      // Wait for the client's next GET to carry the close packet, as engine.io does (30 s at most).
      this.shouldClose = onClose;
      timer = setTimeout(onClose, 30_000);
    }
  }
}

export type { Packet };
