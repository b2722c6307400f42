// Turns one usage report of a media edge into analytics buckets and meters, exactly once per (edge, sequence).
import type { DocumentStore } from '@beamline/core';
import type { AcceptedUsageReport } from '@beamline/protocol/edge';
import { writeBuckets, type BucketWrite } from '../analytics/buckets';
import { streamRepos } from '../streams/repo';
import { addToMeters, claimReceipt, type MeterIncrement } from './meters';

/** A usage report as the control plane accepts it (protocol's edge API); keyless ones come from older edges. */
export type EdgeUsageReport = AcceptedUsageReport;

/** Edge clocks further off than this are not trusted to place a report in time. */
const MAX_SKEW_MS = 10 * 60_000;

export function edgeReportKey(report: EdgeUsageReport): string | null {
  return report.edgeId && report.seq !== undefined ? `edge:${report.edgeId}:${report.seq}` : null;
}

/**
 * Applies a report; false when its key was applied before (a retry), and nothing changes.
 * A report without a key (an older edge) feeds analytics and meters without retry protection.
 */
export async function applyEdgeReport(
  store: DocumentStore,
  report: EdgeUsageReport,
  now: Date,
): Promise<{ fresh: boolean; totals: Map<string, number> }> {
  const key = edgeReportKey(report);
  if (key && !(await claimReceipt(store, key, now))) return { fresh: false, totals: new Map() };
  const at = report.to !== undefined && Math.abs(report.to - now.getTime()) < MAX_SKEW_MS ? new Date(report.to) : now;
  const lookup = streamRepos(store).streams;
  const writes: BucketWrite[] = [];
  const increments: MeterIncrement[] = [];
  const appViewers = new Map<string, number>();
  for (const row of report.streams) {
    const stream = await lookup.findOne({ id: row.streamId });
    if (!stream) continue;
    const appId = stream.appId;
    const viewerSeconds = row.viewerSeconds ?? 0;
    const ingestSeconds = row.ingestSeconds ?? 0;
    const renditionSeconds = ingestSeconds * (row.renditions ?? 0);
    const sums = { viewerSeconds, bytesServed: row.bytes, ingestSeconds, renditionSeconds };
    writes.push({ appId, scope: stream.id, at, sums, peaks: { peakViewers: row.viewers } });
    writes.push({ appId, scope: 'app', at, sums });
    appViewers.set(appId, (appViewers.get(appId) ?? 0) + row.viewers);
    increments.push(
      { appId, meter: 'viewer_minutes', amount: viewerSeconds, at },
      { appId, meter: 'egress_gb', amount: row.bytes, at },
      { appId, meter: 'live_ingest_minutes', amount: ingestSeconds, at },
      { appId, meter: 'transcoded_rendition_minutes', amount: renditionSeconds, at },
    );
  }
  for (const [appId, viewers] of appViewers) writes.push({ appId, scope: 'app', at, peaks: { peakViewers: viewers } });
  const [, totals] = await Promise.all([writeBuckets(store, writes), addToMeters(store, increments, now)]);
  return { fresh: true, totals };
}
