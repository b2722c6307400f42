// The status page as plain server-rendered HTML that reloads itself; no script, no dashboard build needed.
import type { StatusReport } from './status';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

const LABEL = { up: 'Operational', down: 'Down', unknown: 'Checking' } as const;

export function renderStatusPage(report: StatusReport, refreshSeconds: number): string {
  const rows = report.components
    .map(
      (c) =>
        `<tr><td>${escape(c.name)}</td><td class="${c.status}">${LABEL[c.status]}</td><td>${escape(c.detail)}</td>` +
        `<td>${c.checkedAt ? `<time datetime="${c.checkedAt}">${escape(c.checkedAt)}</time>` : '—'}</td></tr>`,
    )
    .join('\n');
  const incidents = report.incidents.length
    ? report.incidents
        .map(
          (i) =>
            `<li><strong>${escape(i.component)}</strong>: ${escape(i.detail)} — from ${escape(i.startedAt)} ` +
            (i.resolvedAt ? `to ${escape(i.resolvedAt)} (resolved)` : '<span class="down">ongoing</span>') +
            '</li>',
        )
        .join('\n')
    : '<li>No incidents recorded.</li>';
  const headline = report.status === 'operational' ? 'All systems operational' : 'Some systems are degraded';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${refreshSeconds}">
<title>Status</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f}
h1{font-size:1.5rem}table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}
.up{color:#1a7f37}.down{color:#cf222e}.unknown{color:#9a6700}.banner{padding:.75rem 1rem;border-radius:.5rem;background:#f2f4f7}
</style>
</head>
<body>
<h1>Status</h1>
<p class="banner ${report.status === 'operational' ? 'up' : 'down'}" data-status="${report.status}">${headline}</p>
<table>
<thead><tr><th>Component</th><th>Status</th><th>Detail</th><th>Checked</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Recent incidents</h2>
<ul>
${incidents}
</ul>
<p><small>This page refreshes every ${refreshSeconds} seconds. Machine-readable: <a href="/status.json">/status.json</a>.</small></p>
</body>
</html>
`;
}
