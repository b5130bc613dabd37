import { Type } from 'typebox';
import { LIVE_LOAD_LIMITS } from '../src/core/load-live';

/** `POST /api/load/run`'s body (protocol.md, "Live load run"): N per technique, 1–500 (500). */
export const LoadRunBody = Type.Object(
  {
    clients: Type.Optional(
      Type.Integer({ minimum: LIVE_LOAD_LIMITS.minClients, maximum: LIVE_LOAD_LIMITS.maxClients }),
    ),
  },
  { additionalProperties: false },
);

/**
 * `GET /api/load/run` (and `POST`'s 202): the run's state and progress (`LiveRunBody` of
 * src/core/load-live.ts). `results` is a load run in the model of src/core/load-results.ts,
 * serialised as it is (the child's answer is checked with `isLoadResults` before it is kept).
 */
export const LoadRunResponse = Type.Object({
  state: Type.Union([
    Type.Literal('idle'),
    Type.Literal('running'),
    Type.Literal('done'),
    Type.Literal('failed'),
  ]),
  clients: Type.Union([Type.Integer(), Type.Null()]),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  done: Type.Integer(),
  total: Type.Integer(),
  section: Type.Union([Type.String(), Type.Null()]),
  budgetMs: Type.Integer(),
  error: Type.Optional(Type.String()),
  results: Type.Optional(Type.Unknown()),
});
