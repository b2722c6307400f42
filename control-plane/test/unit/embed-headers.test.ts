// The embeddable player may be framed by any site; the dashboard and the API may not.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

let t: TestControlPlane;
beforeAll(async () => {
  t = await buildTestControlPlane();
});
afterAll(() => t.close());

it('sends X-Frame-Options everywhere except on /embed/ pages', async () => {
  const embed = await t.cp.http.app.request('/embed/pb_anything');
  expect(embed.headers.get('x-frame-options')).toBeNull();
  expect(embed.headers.get('x-content-type-options')).toBe('nosniff');
  for (const path of ['/watch/pb_anything', '/', '/v1/me', '/healthz']) {
    const res = await t.cp.http.app.request(path);
    expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
  }
});
