import { describe, expect, it } from 'vitest';
import { openSse, TestSocket } from './test/clients';
import { printedUrl, spawnLab } from './test/spawn-lab';

describe('server/main.ts', () => {
  it('listens on PORT/HOST, prints its URL and exits cleanly on SIGTERM with a held poll, stream and socket', async () => {
    const child = spawnLab();
    try {
      const url = await printedUrl(child);
      expect(await (await fetch(`${url}/api/health`)).json()).toEqual({ ok: true });
      const held = fetch(`${url}/api/channels/lobby/long-poll?timeout=60000`).then(
        (r) => r.status,
        () => 'cut',
      );
      const sse = await openSse(`${url}/api/channels/lobby/events`);
      const socket = await TestSocket.open(`${url.replace('http', 'ws')}/api/channels/lobby/ws`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await held).toBe(503);
      expect(await socket.closed()).toBe(1001);
      await sse.reader.ended();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
