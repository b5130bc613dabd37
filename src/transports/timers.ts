/** Timers that can all be cancelled at once (stop() cancels everything). */
export class Timers {
  private readonly handles = new Set<ReturnType<typeof setTimeout>>();

  set(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      callback();
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  /** A repeating timer (cleared like the others: clearTimeout also clears an interval). */
  every(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
    const handle = setInterval(callback, ms);
    this.handles.add(handle);
    return handle;
  }

  clear(handle: ReturnType<typeof setTimeout>): void {
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  clearAll(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }

  get size(): number {
    return this.handles.size;
  }
}
