import { useState, type FormEvent } from 'react';
import { MAX_AUTO_RATE } from '../../store/lab-store';
import { labController } from './controller';
import { useLab } from './useStore';

/** The "Message" box with Send (Enter sends too), and the automatic send rate. */
export function Composer() {
  const [text, setText] = useState('');
  const autoRate = useLab((s) => s.autoRate);
  const sender = useLab((s) => s.sender);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await labController.send(text)) setText('');
  };
  return (
    <form className="composer" onSubmit={(e) => void onSubmit(e)}>
      <label htmlFor="message">Message</label>
      <div className="composer__row">
        <input
          id="message"
          type="text"
          value={text}
          maxLength={2000}
          placeholder={`from ${sender}…`}
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Send</button>
      </div>
      <label className="composer__auto">
        Auto-send rate
        <input
          type="range"
          min={0}
          max={MAX_AUTO_RATE}
          step={1}
          value={autoRate}
          onChange={(e) => labController.setAutoRate(Number(e.target.value))}
        />
        <output>{autoRate === 0 ? 'off' : `${autoRate} msg/s`}</output>
      </label>
    </form>
  );
}
