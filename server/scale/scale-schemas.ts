import { Type } from 'typebox';
import { TOPOLOGY_LIMITS } from './topology';

/** The bodies and answers of `/api/scale` (protocol.md, "Scaling lab"). */
const Policy = Type.Union([
  Type.Literal('round-robin'),
  Type.Literal('least-connections'),
  Type.Literal('sticky'),
  Type.Literal('consistent-hash'),
  Type.Literal('l7-no-upgrade'),
]);

export const ScaleBody = Type.Object(
  {
    gateways: Type.Optional(
      Type.Integer({ minimum: TOPOLOGY_LIMITS.minGateways, maximum: TOPOLOGY_LIMITS.maxGateways }),
    ),
    policy: Type.Optional(Policy),
    broker: Type.Optional(Type.Union([Type.Literal('memory'), Type.Literal('redis')])),
  },
  { additionalProperties: false },
);

export const PolicyBody = Type.Object({ policy: Policy }, { additionalProperties: false });

/** `{ up }` takes the broker's fan-out down or up, `{ off }` switches it off or on; one of them at least. */
export const BrokerBody = Type.Object(
  { up: Type.Optional(Type.Boolean()), off: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export const GatewayParams = Type.Object({ name: Type.String() });

export const TopologyResponse = Type.Object({
  balancer: Type.Object({ port: Type.Integer() }),
  gateways: Type.Array(
    Type.Object({ name: Type.String(), port: Type.Integer(), up: Type.Boolean() }),
  ),
  policy: Policy,
  broker: Type.Union([Type.Literal('memory'), Type.Literal('redis')]),
  brokerUp: Type.Boolean(),
  brokerOff: Type.Boolean(),
  /** After adding or removing a gateway: how many of the users routed so far changed gateway. */
  moved: Type.Optional(Type.Object({ users: Type.Integer(), of: Type.Integer(), policy: Policy })),
});

export const RegistryResponse = Type.Object({
  connections: Type.Array(
    Type.Object({
      user: Type.Union([Type.String(), Type.Null()]),
      technique: Type.Union([Type.String(), Type.Null()]),
      gateway: Type.String(),
      conn: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
