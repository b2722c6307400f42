// Picks the event types an endpoint receives: all of them, or a chosen set grouped by area.
const GROUPS: { label: string; events: string[] }[] = [
  {
    label: 'Streams',
    events: ['stream.created', 'stream.updated', 'stream.deleted', 'stream.live', 'stream.offline', 'stream.error'],
  },
  { label: 'Viewers', events: ['viewer.count.update', 'viewer.joined', 'viewer.left'] },
  { label: 'Recordings', events: ['recording.started', 'recording.ready'] },
  {
    label: 'Chat',
    events: [
      'chat.message.new',
      'chat.message.updated',
      'chat.message.deleted',
      'chat.moderation',
      'reaction.sent',
      'user.banned',
      'user.unbanned',
      'user.muted',
      'user.unmuted',
    ],
  },
  { label: 'Platform', events: ['health.quality.drop', 'webhook.disabled', 'usage.quota.exceeded', 'custom'] },
];

export function EventPicker({ value, onChange }: { value: string[]; onChange(events: string[]): void }) {
  const all = value.includes('*');
  const toggle = (event: string, on: boolean) =>
    onChange(on ? [...value.filter((e) => e !== '*'), event] : value.filter((e) => e !== event));
  return (
    <fieldset className="field">
      <legend>Events</legend>
      <label className="radio">
        <input type="checkbox" checked={all} onChange={(e) => onChange(e.target.checked ? ['*'] : [])} />
        All events, including ones added later
      </label>
      {!all &&
        GROUPS.map((g) => (
          <div key={g.label} className="event-group">
            <p className="hint">{g.label}</p>
            <div className="checks">
              {g.events.map((ev) => (
                <label key={ev}>
                  <input type="checkbox" checked={value.includes(ev)} onChange={(e) => toggle(ev, e.target.checked)} />
                  <span className="mono">{ev}</span>
                </label>
              ))}
            </div>
          </div>
        ))}
      {value.length === 0 && <p className="hint">Pick at least one event.</p>}
    </fieldset>
  );
}
