import './offline.css';

/** In place of an experiment's controls while offline: it needs the lab server, and why. */
export function NeedsServer({ why, id }: { why: string; id?: string }) {
  return (
    <p className="needs-server" data-testid="needs-server" id={id}>
      {why}
    </p>
  );
}
