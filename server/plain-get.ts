import type { LabError } from '../src/core';

/** The handler of a WebSocket-only route for a plain GET (no upgrade): it throws the route's refusal. */
export function refusePlainGet(refusal: () => LabError): () => Promise<never> {
  return async () => {
    throw refusal();
  };
}
