import { useState } from 'react';
import { checkRange, PRESETS, presetById, TECHNIQUE_LABELS } from '../../core';
import { NumberField } from '../NumberField';
import { labController, SERVER_RATE } from '../playground/controller';
import { labStore } from '../../store/lab-store';
import { screenStore } from '../../store/screen-store';
import { readFaults } from '../faults/faults-api';
import { keepOffline } from '../offline/offline-mode';
import { useLab } from '../playground/store-hooks';
import { presetLink, writeSetup } from './url-state';

/** The classic use cases, one link each (a link runs its preset), and the link to the set-up as it is now. */
export function PresetsPanel() {
  const current = useLab((s) => s.preset);
  const preset = current ? presetById(current) : undefined;
  const [link, setLink] = useState<string | null>(null);
  const serverSource = useLab((s) => s.serverSource);
  const channel = useLab((s) => s.channel);
  const share = async () => {
    const faults = await readFaults().catch(() => null);
    const query = keepOffline(
      writeSetup(labStore.getState(), screenStore.getState().screen, faults),
    );
    const url = `${location.origin}${location.pathname}${query}`;
    setLink(url);
    await navigator.clipboard?.writeText(url).catch(() => undefined);
  };
  return (
    <section className="presets" aria-label="Presets">
      <h2>Presets</h2>
      <ul className="presets__list">
        {PRESETS.map((p) => (
          <li key={p.id}>
            <a
              href={keepOffline(presetLink(p.id, channel))}
              aria-current={p.id === current ? 'true' : undefined}
              title={`${TECHNIQUE_LABELS[p.technique]}: ${p.why}`}
            >
              {p.title}
            </a>
          </li>
        ))}
      </ul>
      {preset && (
        <p className="presets__why" data-testid="preset-why">
          <strong>{TECHNIQUE_LABELS[preset.technique]}.</strong> {preset.why}
        </p>
      )}
      {serverSource && (
        <NumberField
          id="server-rate"
          label={`Server sends (${serverSource.type})`}
          unit="msg/s"
          value={serverSource.ratePerSecond}
          min={SERVER_RATE.min}
          max={SERVER_RATE.max}
          step={0.1}
          commit={(rate) => {
            const problem = checkRange('Server sends', rate, SERVER_RATE, {
              unit: 'messages a second',
            });
            if (!problem) void labController.setServerRate(rate);
            return problem;
          }}
        />
      )}
      <button type="button" onClick={() => void share()}>
        Share link
      </button>
      {link && (
        <input
          className="presets__link"
          readOnly
          aria-label="Link to this set-up"
          value={link}
          onFocus={(e) => e.target.select()}
        />
      )}
    </section>
  );
}
