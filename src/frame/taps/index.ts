import type { TrafficInput } from '../../shared/traffic.js';

export interface TapOptions {
  /** Who this client is in the traffic events ('client', 'client 2', ...). */
  party: string;
  /** ms since the run started. */
  now(): number;
  report(event: TrafficInput): void;
}

/**
 * Wraps the frame's fetch, XMLHttpRequest, EventSource and WebSocket so every request, event and frame the learner's
 * client makes becomes a traffic event (observer 'client'). Installed after the runtime has put its WebSocket in
 * place, so in both modes it taps whatever the client will really use. Placeholder until the taps land.
 */
export function installClientTaps(_win: Window & typeof globalThis, _options: TapOptions): () => void {
  return () => {};
}
