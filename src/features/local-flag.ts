/**
 * A small remembered setting in localStorage (the tour seen, the explanation
 * folded). Storage can be missing or refuse (private windows, a full quota):
 * then nothing is remembered and nothing breaks.
 */
export function readFlag(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function writeFlag(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
  } catch {
    // Not remembered: the page works the same for this visit.
  }
}
