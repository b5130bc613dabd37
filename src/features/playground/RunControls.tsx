import { labController } from './controller';
import { useLab } from './useStore';

export function RunControls() {
  const running = useLab((s) => s.running);
  const channel = useLab((s) => s.channel);
  return (
    <div className="run-controls">
      <button
        type="button"
        className="primary"
        onClick={() => void labController.start()}
        disabled={running}
      >
        Start
      </button>
      <button type="button" onClick={() => void labController.stop()} disabled={!running}>
        Stop
      </button>
      <span className="run-controls__status" role="status">
        {running ? 'running' : 'stopped'} · channel <code>{channel}</code>
      </span>
    </div>
  );
}
