// The printable page of an invoice (the browser's print dialog makes the PDF).
import type { InvoiceDoc } from './invoices';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function money(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

const num = (n: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 }).format(n);

export function invoiceHtml(invoice: InvoiceDoc, appName: string): string {
  const rows = invoice.lines
    .map(
      (l) =>
        `<tr><td>${esc(l.description)}</td><td class="n">${num(l.quantity)} ${esc(l.unit)}</td>` +
        `<td class="n">${num(l.included)}</td><td class="n">${num(l.billableQuantity)}</td>` +
        `<td class="n">${num(l.unitPriceCents / 100)}</td><td class="n">${money(l.amountCents, invoice.currency)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${esc(invoice.id)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#111}
table{border-collapse:collapse;width:100%}th,td{padding:.4rem .6rem;border-bottom:1px solid #ddd;text-align:left}
.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:600}
@media print{body{margin:0}}
</style></head><body>
<h1>Invoice ${esc(invoice.id)}</h1>
<p>App: ${esc(appName)} (${esc(invoice.appId)})<br>Period: ${esc(invoice.period)}<br>Plan: ${esc(invoice.plan)}<br>
Status: ${esc(invoice.status)}${invoice.issuedAt ? `<br>Issued: ${esc(invoice.issuedAt)}` : ''}</p>
<table><thead><tr><th>Item</th><th class="n">Quantity</th><th class="n">Included</th><th class="n">Billable</th>
<th class="n">Unit price (${esc(invoice.currency.toUpperCase())})</th><th class="n">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td colspan="5">Total</td><td class="n">${money(invoice.totalCents, invoice.currency)}</td></tr></tfoot></table>
</body></html>`;
}
