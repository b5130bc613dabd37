/**
 * How the Scaling lab starts one gateway: a full lab server named `gateway-N`
 * on a free 127.0.0.1 port. The topology takes any `StartGateway`, so it does
 * not depend on how a gateway is built; this is the default one.
 */
import type { Socket } from 'node:net';
import type { Broker } from '../broker/broker';
import type { TraceSink } from '../observer-stream';

/** A running gateway: its port, a graceful close (goodbyes sent) and a crash (sockets destroyed). */
export interface GatewayHandle {
  readonly port: number;
  /** Closes gracefully: its clients get their closes (1001, the last chunk). */
  close(): Promise<void>;
  /** Dies abruptly: every socket destroyed, no close frame, no last chunk. */
  kill(): Promise<void>;
}

/** What every gateway of a topology shares with the lab that started it. */
export interface GatewaySettings {
  /**
   * Origins whose pages may use the gateway across origins (CORS answers, the
   * WebSocket Origin check): the lab's own, so that its page reaches the
   * gateways through the balancer's port.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Where the gateway's own steps also go (actor `gateway-N`): the main lab's
   * observer stream, so its page sees every gateway on one stream and one clock.
   */
  readonly trace?: TraceSink;
}

export type StartGateway = (
  name: string,
  broker: Broker,
  settings?: GatewaySettings,
) => Promise<GatewayHandle>;

/** The default gateway: `buildApp` from server/app.ts, on 127.0.0.1 port 0. */
export const startLabGateway: StartGateway = async (name, broker, settings = {}) => {
  // Imported when called: server/app.ts registers the scale routes, which import this file.
  const { buildApp } = await import('../app');
  // The gateway publishes and receives through the topology's broker (which outlives the gateway).
  const app = await buildApp({
    serverName: name,
    broker,
    allowedOrigins: [...(settings.allowedOrigins ?? [])],
  });
  // Its steps reach the main lab's observers, until the gateway is gone.
  const stopForwarding = settings.trace ? app.lab.observer.forwardTo(settings.trace) : () => true;
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const address = await app
    .listen({ port: 0, host: '127.0.0.1' })
    .then(() => app.server.address())
    .catch((error: unknown) => {
      stopForwarding();
      throw error;
    });
  if (typeof address !== 'object' || address === null) {
    stopForwarding();
    throw new Error(`${name} has no address`);
  }
  return {
    port: address.port,
    close: async () => {
      await app.close();
      stopForwarding();
    },
    kill: async () => {
      // Every socket first, so that the close below has nobody left to say goodbye to.
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await app.close();
      stopForwarding();
    },
  };
};
