// Cursor paging of list endpoints: the trail of cursors walked so far, and Newer/Older buttons.
import { useCallback, useState } from 'react';

export function useCursorTrail() {
  const [trail, setTrail] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: trail[trail.length - 1],
    paged: trail.length > 1,
    back: useCallback(() => setTrail((t) => (t.length > 1 ? t.slice(0, -1) : t)), []),
    forward: useCallback((next: string) => setTrail((t) => [...t, next]), []),
    reset: useCallback(() => setTrail([undefined]), []),
  };
}

export function Pager({
  trail,
  nextCursor,
}: {
  trail: ReturnType<typeof useCursorTrail>;
  nextCursor: string | null | undefined;
}) {
  return (
    <div className="pager">
      <button type="button" className="btn btn-small" disabled={!trail.paged} onClick={trail.back}>
        Newer
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={!nextCursor}
        onClick={() => nextCursor && trail.forward(nextCursor)}
      >
        Older
      </button>
    </div>
  );
}
