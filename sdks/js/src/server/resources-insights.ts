// Analytics, usage and billing of the app.
import type { PageIterator } from './pagination';
import { Resource } from './resource';
import type { OpQuery, OpResult, Schemas } from './types';

export type AnalyticsTimeline = Schemas['AnalyticsTimeline'];
export type Invoice = Schemas['Invoice'];

export class AnalyticsResource extends Resource {
  /** Viewers, watch time, peak concurrency and chat activity over a range (`24h`, `7d`, `30d`, `90d`). */
  overview(query: OpQuery<'getAnalyticsOverview'> = {}): Promise<OpResult<'getAnalyticsOverview'>> {
    return this.request('getAnalyticsOverview', 'GET', '/v1/apps/{appId}/analytics/overview', { query });
  }

  timeline(query: OpQuery<'getAnalyticsTimeline'> = {}): Promise<AnalyticsTimeline> {
    return this.request('getAnalyticsTimeline', 'GET', '/v1/apps/{appId}/analytics/timeline', { query });
  }

  streamTimeline(streamId: string, query: OpQuery<'getStreamAnalyticsTimeline'> = {}): Promise<AnalyticsTimeline> {
    return this.request('getStreamAnalyticsTimeline', 'GET', '/v1/apps/{appId}/analytics/streams/{streamId}/timeline', {
      params: { streamId },
      query,
    });
  }

  topStreams(query: OpQuery<'getTopStreams'> = {}): Promise<OpResult<'getTopStreams'>> {
    return this.request('getTopStreams', 'GET', '/v1/apps/{appId}/analytics/top-streams', { query });
  }

  /** The timeline as JSON, or as CSV text with `format: 'csv'`. */
  export(query: OpQuery<'exportAnalytics'> & { format: 'csv' }): Promise<string>;
  export(query?: OpQuery<'exportAnalytics'>): Promise<AnalyticsTimeline>;
  async export(query: OpQuery<'exportAnalytics'> = {}): Promise<AnalyticsTimeline | string> {
    const csv = (query as { format?: string }).format === 'csv';
    const result: unknown = await this.request('exportAnalytics', 'GET', '/v1/apps/{appId}/analytics/export', {
      query,
      text: csv,
    });
    return result as AnalyticsTimeline | string;
  }
}

export class UsageResource extends Resource {
  /** Metered usage (minutes transcoded, delivered, stored, chat) for a month, `YYYY-MM`, default this one. */
  retrieve(query: OpQuery<'getUsage'> = {}): Promise<OpResult<'getUsage'>> {
    return this.request('getUsage', 'GET', '/v1/apps/{appId}/usage', { query });
  }
}

const INVOICE = '/v1/apps/{appId}/invoices/{invoiceId}';

export class BillingResource extends Resource {
  /** The app's plan and its quotas. */
  plan(): Promise<OpResult<'getAppPlan'>> {
    return this.request('getAppPlan', 'GET', '/v1/apps/{appId}/plan');
  }

  listInvoices(): PageIterator<Invoice> {
    return this.paginate('listInvoices', '/v1/apps/{appId}/invoices');
  }

  /** What the running (or given) month costs so far. */
  upcomingInvoice(query: OpQuery<'getUpcomingInvoice'> = {}): Promise<Invoice> {
    return this.request('getUpcomingInvoice', 'GET', '/v1/apps/{appId}/invoices/upcoming', { query });
  }

  retrieveInvoice(invoiceId: string): Promise<Invoice> {
    return this.request('getInvoice', 'GET', INVOICE, { params: { invoiceId } });
  }

  /** A printable HTML invoice. */
  async invoiceHtml(invoiceId: string): Promise<string> {
    const html: unknown = await this.request('getInvoiceHtml', 'GET', `${INVOICE}/html`, {
      params: { invoiceId },
      text: true,
    });
    return html as string;
  }
}
