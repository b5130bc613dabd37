/**
 * Runs writes after a delay while keeping their order: each write is due at
 * `now + delay`, never before the one queued ahead of it. With no delay and an
 * empty queue a write runs at once.
 */
export class OrderedDelay {
  private readonly queue: { due: number; run: () => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly delayMs: () => number) {}

  run(write: () => void): void {
    const delay = this.delayMs();
    if (delay <= 0 && this.queue.length === 0) {
      write();
      return;
    }
    const last = this.queue[this.queue.length - 1];
    // Dues are on the timers' clock, not the lab's: setTimeout runs on real time, and a lab
    // clock a test holds still would keep a due from ever arriving.
    const due = Math.max(Date.now() + delay, last?.due ?? 0);
    this.queue.push({ due, run: write });
    this.schedule();
  }

  cancel(): void {
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    // The timers' clock, as in `run`.
    const wait = Math.max(0, this.queue[0]!.due - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      while (this.queue.length > 0 && this.queue[0]!.due <= now) this.queue.shift()!.run();
      this.schedule();
    }, wait);
  }
}
