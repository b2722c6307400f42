// The edge's client of the control plane's internal API (/internal/edge/*): every request signed with the edge
// secret (and the previous one during a rotation); the requests and answers are protocol's edge schemas.
import { EDGE_SIGNATURE_HEADER, signEdgeRequest } from '@beamline/core';
import {
  PlaybackInfo,
  PublishDecision,
  StatsAnswer,
  type LifecycleReport,
  type StatsReport,
  type UsageReport,
} from '@beamline/protocol/edge';
import { request } from 'undici';

export type {
  LifecycleReport,
  PlaybackInfo,
  PublishAllow,
  PublishDecision,
  RecordingSummary,
  StatsReport,
  UsageReport,
  UsageRow,
} from '@beamline/protocol/edge';

export class ControlPlaneError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class ControlPlaneClient {
  constructor(
    private readonly baseUrl: string,
    private readonly secrets: readonly string[],
  ) {}

  private async call(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 3_000): Promise<unknown> {
    const text = body === undefined ? null : JSON.stringify(body);
    const res = await request(`${this.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: {
        [EDGE_SIGNATURE_HEADER]: signEdgeRequest(this.secrets, { method, path, body: text }),
        ...(text === null ? {} : { 'content-type': 'application/json' }),
      },
      body: text,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const answer = await res.body.text();
    if (res.statusCode >= 300)
      throw new ControlPlaneError(res.statusCode, `${method} ${path}: ${res.statusCode} ${answer.slice(0, 200)}`);
    return answer ? (JSON.parse(answer) as unknown) : null;
  }

  async publishAuth(streamKey: string): Promise<PublishDecision> {
    return PublishDecision.parse(await this.call('POST', '/internal/edge/publish-auth', { streamKey }, 2_000));
  }

  async lifecycle(streamId: string, report: LifecycleReport): Promise<void> {
    await this.call('POST', `/internal/edge/streams/${streamId}/lifecycle`, report);
  }

  async stats(streamId: string, report: StatsReport): Promise<StatsAnswer> {
    return StatsAnswer.parse(await this.call('POST', `/internal/edge/streams/${streamId}/stats`, report));
  }

  /** null when the control plane knows no such playback id. */
  async playback(playbackId: string): Promise<PlaybackInfo | null> {
    try {
      return PlaybackInfo.parse(await this.call('GET', `/internal/edge/playback/${playbackId}`));
    } catch (err) {
      if (err instanceof ControlPlaneError && err.status === 404) return null;
      throw err;
    }
  }

  async usage(report: UsageReport): Promise<void> {
    await this.call('POST', '/internal/edge/usage', report);
  }
}
