// The app's blocklist: words that are refused or masked in every channel.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useAction, useResource } from '../components/hooks';
import { ErrorBanner, Notice } from '../components/ui';

interface BlocklistT {
  words: string[];
  mode: 'block' | 'mask';
}

export function Blocklist({ appId }: { appId: string }) {
  const list = useResource((signal) => api<BlocklistT>(`/v1/apps/${appId}/blocklist`, { signal }), [appId]);
  const [words, setWords] = useState('');
  const [mode, setMode] = useState<'block' | 'mask'>('block');
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (list.data) {
      setWords(list.data.words.join('\n'));
      setMode(list.data.mode);
    }
  }, [list.data]);
  const save = useAction(() =>
    api<BlocklistT>(`/v1/apps/${appId}/blocklist`, {
      method: 'PUT',
      body: {
        words: [
          ...new Set(
            words
              .split('\n')
              .map((w) => w.trim())
              .filter(Boolean),
          ),
        ],
        mode,
      },
    }),
  );
  return (
    <section className="card stack" style={{ marginTop: '1.25rem' }}>
      <h2>Blocklist</h2>
      <ErrorBanner message={list.error ?? save.error} />
      {saved && <Notice kind="success">Blocklist saved.</Notice>}
      <form
        className="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          setSaved(false);
          const result = await save.run();
          if (result) {
            list.setData(result);
            setSaved(true);
          }
        }}
      >
        <div className="field">
          <label htmlFor="blocklist-words">Blocked words, one a line</label>
          <textarea id="blocklist-words" rows={5} value={words} onChange={(e) => setWords(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="blocklist-mode">A message with a blocked word is</label>
          <select id="blocklist-mode" value={mode} onChange={(e) => setMode(e.target.value as 'block' | 'mask')}>
            <option value="block">refused</option>
            <option value="mask">sent with the word masked (****)</option>
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={save.busy || !list.data}>
            Save blocklist
          </button>
        </div>
      </form>
    </section>
  );
}
