/**
 * mock-socket 9.3.1, the WebSocket emulation the design names, typed for this shim.
 *
 * Its package.json names only the UMD build, which a browser cannot import as a module; the ES build beside it has the
 * same exports and no declaration file of its own, so it is typed through the package's main declarations.
 */
import type { Client as ClientType, Server as ServerType, WebSocket as WebSocketType } from 'mock-socket';
// @ts-expect-error -- typed through the package's main entry just above
import * as esBuild from 'mock-socket/dist/mock-socket.es.mjs';

const build = esBuild as { Server: typeof ServerType; WebSocket: typeof WebSocketType };

export const MockServer = build.Server;
export const MockWebSocket = build.WebSocket;
export type MockServer = ServerType;
export type MockWebSocket = WebSocketType;
/** The server's handle on one connection, as mock-socket's 'connection' hands it (a Proxy over the client socket). */
export type MockClient = ClientType;
