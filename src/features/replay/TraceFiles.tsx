import { useRef } from 'react';

/** Export the live trace, or pick a recorded one (a file can also be dropped on the panel). */
export function TraceFiles({
  onExport,
  onFile,
}: {
  onExport: () => void;
  onFile: (file: File | undefined) => void;
}) {
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <div className="replay-panel__files">
      <button type="button" onClick={onExport}>
        Export trace
      </button>
      <button type="button" onClick={() => fileInput.current?.click()}>
        Load trace…
      </button>
      <input
        ref={fileInput}
        type="file"
        accept="application/json,.json"
        hidden
        aria-label="Trace file"
        onChange={(e) => onFile(e.target.files?.[0])}
      />
      <span className="replay-panel__hint">or drop a trace file here</span>
    </div>
  );
}
