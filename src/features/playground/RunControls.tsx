import { labController, REPLAY_START_BLOCKED } from './controller';
import { useLab } from './store-hooks';

export function RunControls() {
  const running = useLab((s) => s.running);
  const replaying = useLab((s) => s.replaying);
  const channel = useLab((s) => s.channel);
  return (
    <div className="run-controls">
      <button
        type="button"
        className="primary"
        onClick={() => void labController.start()}
        disabled={running || replaying}
        aria-describedby={replaying ? 'start-blocked' : undefined}
      >
        Start
      </button>
      <button type="button" onClick={() => void labController.stop()} disabled={!running}>
        Stop
      </button>
      <span className="run-controls__status" role="status">
        {running ? 'running' : 'stopped'} · channel <code>{channel}</code>
      </span>
      {replaying && (
        <p className="run-controls__why" id="start-blocked" data-testid="start-blocked">
          {REPLAY_START_BLOCKED}
        </p>
      )}
    </div>
  );
}
