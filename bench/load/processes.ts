/**
 * The load lab's child processes: servers (the lab's own server/main.ts and the
 * baselines, each with the memory probe preloaded) and client processes, all started
 * with an IPC channel, asked things by request id, and stopped by their pid (SIGTERM,
 * then SIGKILL after a grace). `Processes` remembers every pid it started, so that the
 * bench stops them all at the end, on SIGINT and on errors, and the tiny test can check.
 * The Scaling section's `redis-server` (server/scale/redis-child.ts) is one of them too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedisServer, type RedisServer } from '../../server/scale/redis-child';
import type { CpuReading, Envelope, MemoryReading, Reply } from './protocol';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROBE = new URL('./memory-probe.ts', import.meta.url).href;
const CLIENT = fileURLToPath(new URL('./client.ts', import.meta.url));

/**
 * Every server's young generation at its full 64-bit size from the start (16 MB a semi-space,
 * the most V8 grows it to): otherwise it grows under load in a server that started small, and
 * that growth (up to ~30 MB) would be counted as the connections' memory.
 */
export const YOUNG_GENERATION = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** One child: its requests by id, its output's tail, its exit. */
export class Child {
  readonly exited: Promise<number | null>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private output = '';
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + String(chunk)).slice(-4_000);
    };
    process.stdout?.on('data', keep);
    process.stderr?.on('data', keep);
    process.on('message', (reply: Reply<unknown>) => this.settle(reply));
    this.exited = new Promise((resolve) =>
      process.once('exit', (code) => {
        this.exitCode = code;
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`${name} exited (${code}) before answering: ${this.tail()}`));
          this.pending.delete(id);
        }
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last few lines the child printed (its errors, when it fails). */
  tail(): string {
    return this.output.trim().split('\n').slice(-6).join('\n');
  }

  request<R>(command: object, timeoutMs: number): Promise<R> {
    if (!this.running) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(
            `${this.name} did not answer ${JSON.stringify(command).slice(0, 80)} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.process.send({ ...command, id } satisfies Envelope<object>);
    });
  }

  private settle(reply: Reply<unknown>): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new Error(`${this.name}: ${reply.error}`));
  }

  /** SIGTERM, then SIGKILL when it has not exited after `graceMs`. */
  async stop(graceMs = 6_000): Promise<void> {
    if (!this.running) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.running && this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A server child and where it listens. */
export interface ServerChild {
  child: Child;
  /** `http://127.0.0.1:<port>` */
  base: string;
  memory(): Promise<MemoryReading>;
  /** Its open TCP connections, without a GC. */
  sockets(): Promise<number>;
  /** Its CPU time so far. */
  cpu(): Promise<CpuReading>;
}

/** A child that is not a Node process of the bench's own (no IPC channel): a `redis-server`. */
interface OtherChild {
  readonly pid: number;
  readonly running: boolean;
  stop(): Promise<void>;
}

/** Every child the run started, to stop them all whatever happens. */
export class Processes {
  private readonly children: Child[] = [];
  private readonly others: OtherChild[] = [];

  /** Pids of every child started, in order (the Node children first, then any Redis). */
  get pids(): number[] {
    return [...this.children.map((c) => c.pid), ...this.others.map((o) => o.pid)];
  }

  get running(): Child[] {
    return this.children.filter((c) => c.running);
  }

  private spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
    const proc = spawn(process.execPath, args, {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const child = new Child(name, proc);
    this.children.push(child);
    return child;
  }

  /**
   * Starts a server (a TypeScript entry, relative to the repo) with the memory probe and
   * `--expose-gc`, on 127.0.0.1 and a free port; resolves once it prints where it listens.
   */
  async startServer(name: string, entry: string, env: NodeJS.ProcessEnv): Promise<ServerChild> {
    const args = ['--expose-gc', ...YOUNG_GENERATION, '--import', 'tsx', '--import', PROBE, entry];
    const child = this.spawnNode(name, args, { PORT: '0', HOST: '127.0.0.1', ...env });
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within 30 s: ${child.tail()}`)),
        30_000,
      );
      const onData = (chunk: Buffer): void => {
        const match = /listening on (http:\/\/[0-9.]+:[0-9]+)/.exec(String(chunk));
        if (!match) return;
        clearTimeout(timer);
        child.process.stdout?.off('data', onData);
        resolve(match[1]!);
      };
      child.process.stdout?.on('data', onData);
      void child.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) while starting: ${child.tail()}`));
      });
    });
    return {
      child,
      base,
      memory: () => child.request<MemoryReading>({ op: 'memory' }, 30_000),
      sockets: () => child.request<number>({ op: 'sockets' }, 10_000),
      cpu: () => child.request<CpuReading>({ op: 'cpu' }, 10_000),
    };
  }

  /** Starts a client process; resolves once it says it is ready for commands. */
  async startClient(name: string): Promise<Child> {
    const child = this.spawnNode(name, ['--import', 'tsx', CLIENT], {});
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within 30 s: ${child.tail()}`)),
        30_000,
      );
      child.process.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      void child.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) while starting: ${child.tail()}`));
      });
    });
    return child;
  }

  /**
   * Starts a `redis-server` on a free 127.0.0.1 port, nothing saved to disk (`binary` as
   * server/scale/redis-child.ts takes it); stopped by its pid with the rest, and killed if
   * the bench exits before that.
   */
  async startRedis(binary?: string): Promise<RedisServer> {
    const server = await startRedisServer(binary);
    let running = true;
    const onExit = (): void => {
      try {
        process.kill(server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.once('exit', onExit);
    this.others.push({
      pid: server.pid,
      get running() {
        return running;
      },
      stop: async () => {
        if (!running) return;
        running = false;
        process.off('exit', onExit);
        await server.stop();
      },
    });
    return server;
  }

  /** Stops every child still running, all at once, each by its own pid. */
  async stopAll(): Promise<void> {
    await Promise.all([
      ...this.running.map((c) => c.stop()),
      ...this.others.filter((o) => o.running).map((o) => o.stop()),
    ]);
  }
}

/** Whether a pid is still a live process (signal 0 probes without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
