import { useLab } from './store-hooks';
import { labController } from './controller';

const title = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Alice sends; each receiver has its own connections and shows the last messages it got. */
export function Participants() {
  const sender = useLab((s) => s.sender);
  const receivers = useLab((s) => s.receivers);
  const inboxes = useLab((s) => s.inboxes);
  return (
    <section className="participants" aria-label="Participants">
      <h2>Participants</h2>
      <p className="participants__sender">
        <strong>{title(sender)}</strong> sends
      </p>
      <ul className="participants__receivers">
        {receivers.map((name) => (
          <li key={name} data-testid={`receiver-${name}`}>
            <div className="participants__row">
              <strong>{title(name)}</strong> receives
              <button
                type="button"
                className="link"
                aria-label={`Remove ${title(name)}`}
                onClick={() => labController.removeReceiver(name)}
                disabled={receivers.length <= 1}
              >
                remove
              </button>
            </div>
            <ol
              className="inbox"
              aria-label={`${title(name)}'s inbox`}
              data-testid={`inbox-${name}`}
            >
              {(inboxes[name] ?? []).map((message) => (
                <li key={message.id}>
                  <span className="inbox__id">#{message.id}</span> {message.text}
                </li>
              ))}
              {(inboxes[name] ?? []).length === 0 && <li className="inbox__empty">nothing yet</li>}
            </ol>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => labController.addReceiver()}>
        Add receiver
      </button>
    </section>
  );
}
