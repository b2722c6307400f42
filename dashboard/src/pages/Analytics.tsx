// Analytics: concurrent viewers, watch time, bandwidth and chat over 24h/7d/30d/90d, top streams, CSV export.
// Every figure comes from the analytics API.
import { useState, type ReactElement } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, getSession } from '../api/client';
import { formatBytes, useAction, useResource } from '../components/hooks';
import { EmptyState, ErrorBanner, PageHeader, Spinner } from '../components/ui';

const RANGES = ['24h', '7d', '30d', '90d'] as const;
type Range = (typeof RANGES)[number];

interface Point {
  start: string;
  viewers: number;
  watchMinutes: number;
  bytesServed: number;
  messages: number;
  reactions: number;
}
interface Timeline {
  resolution: 'minute' | 'hour' | 'day';
  points: Point[];
}
interface Overview {
  liveNow: number;
  viewersNow: number;
  peakViewers: number;
  watchMinutes: number;
  bytesServed: number;
  messages: number;
  reactions: number;
}
interface TopStreams {
  data: { streamId: string; name: string | null; watchMinutes: number; peakViewers: number; bytesServed: number }[];
}

const tick = (resolution: Timeline['resolution']) => (iso: string) => {
  const d = new Date(iso);
  return resolution === 'day'
    ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
    : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
};

export default function Analytics() {
  const { appId } = useParams() as { appId: string };
  const [range, setRange] = useState<Range>('24h');
  const data = useResource(
    async (signal) => {
      const query = { range };
      const [overview, timeline, top] = await Promise.all([
        api<Overview>(`/v1/apps/${appId}/analytics/overview`, { signal, query }),
        api<Timeline>(`/v1/apps/${appId}/analytics/timeline`, { signal, query }),
        api<TopStreams>(`/v1/apps/${appId}/analytics/top-streams`, { signal, query: { range, limit: 10 } }),
      ]);
      return { overview, timeline, top };
    },
    [appId, range],
  );
  const exportCsv = useAction(async () => {
    const res = await fetch(`/v1/apps/${appId}/analytics/export?range=${range}&format=csv`, {
      headers: { authorization: `Bearer ${getSession()?.accessToken ?? ''}` },
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new Error(body?.error?.message ?? `Export failed (${res.status}).`);
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `analytics-${appId}-${range}.csv`;
    a.click();
    URL.revokeObjectURL(url);
    return true;
  });
  const d = data.data;
  const points = d?.timeline.points ?? [];
  const fmt = tick(d?.timeline.resolution ?? 'minute');
  const perBucket = d?.timeline.resolution ?? 'minute';

  return (
    <div className="page">
      <PageHeader
        title="Analytics"
        subtitle="Viewers, watch time, bandwidth and chat of this app."
        actions={
          <>
            <div className="segmented" role="group" aria-label="Range">
              {RANGES.map((r) => (
                <button key={r} type="button" aria-pressed={r === range} onClick={() => setRange(r)}>
                  {r}
                </button>
              ))}
            </div>
            <button type="button" className="btn" disabled={exportCsv.busy} onClick={() => void exportCsv.run()}>
              Export CSV
            </button>
          </>
        }
      />
      <ErrorBanner message={data.error ?? exportCsv.error} onRetry={data.error ? data.reload : undefined} />
      {!d ? (
        data.loading && <Spinner />
      ) : (
        <>
          <section className="stats">
            <Stat label="Live now" value={d.overview.liveNow} />
            <Stat label="Watching now" value={d.overview.viewersNow} />
            <Stat label="Peak viewers" value={d.overview.peakViewers} />
            <Stat label="Watch time" value={`${Math.round(d.overview.watchMinutes).toLocaleString()} min`} />
            <Stat label="Bandwidth" value={formatBytes(d.overview.bytesServed)} />
            <Stat label="Chat messages" value={d.overview.messages.toLocaleString()} />
          </section>
          {!points.some((p) => p.viewers || p.watchMinutes || p.bytesServed || p.messages) ? (
            <EmptyState
              title="No activity in this range"
              action={
                <Link to="../streams" relative="path">
                  Go to streams
                </Link>
              }
            >
              Charts fill in once a stream is watched or its chat is used.
            </EmptyState>
          ) : (
            <div className="chart-grid">
              <Chart title="Concurrent viewers (peak)">
                <AreaChart data={points}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="start" tickFormatter={fmt} minTickGap={24} />
                  <YAxis allowDecimals={false} width={40} />
                  <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} />
                  <Area
                    dataKey="viewers"
                    name="Viewers"
                    stroke="var(--bl-primary)"
                    fill="var(--bl-primary)"
                    fillOpacity={0.2}
                  />
                </AreaChart>
              </Chart>
              <Chart title={`Watch time (minutes per ${perBucket})`}>
                <BarChart data={points}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="start" tickFormatter={fmt} minTickGap={24} />
                  <YAxis width={40} />
                  <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} />
                  <Bar dataKey="watchMinutes" name="Minutes" fill="var(--bl-secondary)" />
                </BarChart>
              </Chart>
              <Chart title={`Bandwidth (per ${perBucket})`}>
                <AreaChart data={points}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="start" tickFormatter={fmt} minTickGap={24} />
                  <YAxis width={64} tickFormatter={(v: number) => formatBytes(v)} />
                  <Tooltip
                    labelFormatter={(v) => new Date(String(v)).toLocaleString()}
                    formatter={(v) => formatBytes(Number(v))}
                  />
                  <Area dataKey="bytesServed" name="Served" stroke="#0f766e" fill="#14b8a6" fillOpacity={0.2} />
                </AreaChart>
              </Chart>
              <Chart title={`Chat messages per ${perBucket}`}>
                <BarChart data={points}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} />
                  <XAxis dataKey="start" tickFormatter={fmt} minTickGap={24} />
                  <YAxis allowDecimals={false} width={40} />
                  <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} />
                  <Bar dataKey="messages" name="Messages" fill="var(--bl-accent)" />
                </BarChart>
              </Chart>
            </div>
          )}
          <h2>Top streams</h2>
          {d.top.data.length === 0 ? (
            <p className="muted">No stream was watched in this range.</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Stream</th>
                  <th>Watch time</th>
                  <th>Peak viewers</th>
                  <th>Bandwidth</th>
                </tr>
              </thead>
              <tbody>
                {d.top.data.map((s) => (
                  <tr key={s.streamId}>
                    <td>
                      <Link to={`/apps/${appId}/streams/${s.streamId}`}>{s.name ?? s.streamId}</Link>
                    </td>
                    <td className="num">{Math.round(s.watchMinutes).toLocaleString()} min</td>
                    <td className="num">{s.peakViewers}</td>
                    <td className="num">{formatBytes(s.bytesServed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
    </div>
  );
}

function Chart({ title, children }: { title: string; children: ReactElement }) {
  return (
    <section className="card chart">
      <h3>{title}</h3>
      <div className="chart-box">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </section>
  );
}
