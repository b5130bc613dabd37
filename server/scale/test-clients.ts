/** The scale tests' clients through the balancer: a short poll and a WebSocket, each saying where it landed. */
import WebSocket from 'ws';
import { TestSocket } from '../test/clients';

/** A short poll through the balancer on `port`: which gateway answered (X-Lab-Gateway). */
export async function landed(port: number, user: string): Promise<string | null> {
  const res = await fetch(
    `http://127.0.0.1:${port}/api/channels/lobby/messages?since=0&client=${user}`,
  );
  if (res.status !== 200) throw new Error(`the poll answered ${res.status}`);
  await res.json();
  return res.headers.get('x-lab-gateway');
}

/** Opens a WebSocket through the balancer as `user` (rid `w-<user>`); resolves with it and the gateway its 101 named. */
export function openWs(
  port: number,
  user: string,
): Promise<{ socket: TestSocket; gateway: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/api/channels/lobby/ws?client=${user}&rid=w-${user}`,
    );
    let gateway = '';
    ws.once('upgrade', (res) => (gateway = String(res.headers['x-lab-gateway'])));
    const socket = new TestSocket(ws);
    ws.once('open', () => resolve({ socket, gateway }));
    ws.once('error', reject);
  });
}
