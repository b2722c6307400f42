// Account security through the HTTP routes: TOTP 2FA with real codes, recovery codes, email verification,
// password reset through the outbox mail port, and per-app 2FA enforcement.
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestControlPlane, type TestControlPlane } from '../helpers';

/** A clock the test moves: TOTP codes and token expiry follow it. */
const clock = {
  offsetMs: 0,
  now() {
    return new Date(Date.now() + this.offsetMs);
  },
};
const epochNow = () => Math.floor(clock.now().getTime() / 1000);

let t: TestControlPlane;
/** The platform operator, who alone may read the development outbox. */
let operator: { token: string };
beforeAll(async () => {
  t = await buildTestControlPlane(
    { DEV_OUTBOX: 'true', OPERATOR_EMAILS: 'ops@example.com', PASSWORD_RESET_TTL_SECONDS: '600' },
    clock,
  );
  operator = await t.api.register('ops@example.com');
});
afterAll(() => t.close());

async function outboxTo(email: string) {
  const res = await t.api.call('GET', `/v1/dev/outbox?to=${encodeURIComponent(email)}`, {
    auth: { bearer: operator.token },
  });
  expect(res.status).toBe(200);
  return res.body.data as { subject: string; text: string; to: string }[];
}

function tokenIn(text: string): string {
  const link = /https?:\/\/\S+/.exec(text)?.[0];
  if (!link) throw new Error(`no link in mail: ${text}`);
  return new URL(link).searchParams.get('token')!;
}

/** Enrols a fresh developer in 2FA; returns the secret and recovery codes. */
async function enrol(dev: { token: string }) {
  const setup = await t.api.call('POST', '/v1/me/2fa/setup', { auth: { bearer: dev.token } });
  expect(setup.status).toBe(200);
  const code = await generate({ secret: setup.body.secret, epoch: epochNow() });
  const confirm = await t.api.call('POST', '/v1/me/2fa/confirm', { auth: { bearer: dev.token }, body: { code } });
  expect(confirm.status).toBe(200);
  return {
    secret: setup.body.secret as string,
    recoveryCodes: confirm.body.recoveryCodes as string[],
    firstCode: code,
  };
}

describe('two-factor authentication', () => {
  it('enrols with an otpauth URI and QR code, then log-in needs a second step with a real TOTP code', async () => {
    const dev = await t.api.register();
    const setup = await t.api.call('POST', '/v1/me/2fa/setup', { auth: { bearer: dev.token } });
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Beamline:.+\?.*secret=/);
    expect(setup.body.otpauthUrl).toContain(`secret=${setup.body.secret}`);
    expect(setup.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    // Before confirmation nothing changed: log-in still gives a session.
    const before = await t.api.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(before.body.accessToken).toBeTypeOf('string');
    const wrong = await t.api.call('POST', '/v1/me/2fa/confirm', {
      auth: { bearer: dev.token },
      body: { code: '000000' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('invalid_two_factor_code');

    const code = await generate({ secret: setup.body.secret, epoch: epochNow() });
    const confirm = await t.api.call('POST', '/v1/me/2fa/confirm', { auth: { bearer: dev.token }, body: { code } });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirm.body.recoveryCodes).size).toBe(10);
    const status = await t.api.call('GET', '/v1/me/2fa', { auth: { bearer: dev.token } });
    expect(status.body).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    const me = await t.api.call('GET', '/v1/me', { auth: { bearer: dev.token } });
    expect(me.body.user.twoFactorEnabled).toBe(true);

    const login = await t.api.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ twoFactorRequired: true });
    expect(login.body.accessToken).toBeUndefined();
    // The challenge is no access token.
    const sneaky = await t.api.call('GET', '/v1/me', { auth: { bearer: login.body.challengeToken } });
    expect(sneaky.status).toBe(401);

    // The code used to confirm is spent: a replay in the same time step fails.
    const replay = await t.api.call('POST', '/v1/auth/login/2fa', {
      body: { challengeToken: login.body.challengeToken, code },
    });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('invalid_two_factor_code');
    // The next time step's code works once.
    clock.offsetMs += 30_000;
    const next = await generate({ secret: setup.body.secret, epoch: epochNow() });
    const done = await t.api.call('POST', '/v1/auth/login/2fa', {
      body: { challengeToken: login.body.challengeToken, code: next },
    });
    expect(done.status).toBe(200);
    expect(done.body.user.id).toBe(dev.userId);
    expect((await t.api.call('GET', '/v1/me', { auth: { bearer: done.body.accessToken } })).status).toBe(200);
    const again = await t.api.call('POST', '/v1/auth/login/2fa', {
      body: { challengeToken: login.body.challengeToken, code: next },
    });
    expect(again.status).toBe(401);
  });

  it('recovery codes work once each and are stored only as digests', async () => {
    const dev = await t.api.register();
    const { recoveryCodes } = await enrol(dev);
    const challenge = async () =>
      (await t.api.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } })).body
        .challengeToken as string;
    const first = await t.api.call('POST', '/v1/auth/login/2fa', {
      body: { challengeToken: await challenge(), recoveryCode: recoveryCodes[0]!.toUpperCase() },
    });
    expect(first.status).toBe(200);
    const reuse = await t.api.call('POST', '/v1/auth/login/2fa', {
      body: { challengeToken: await challenge(), recoveryCode: recoveryCodes[0] },
    });
    expect(reuse.status).toBe(401);
    const status = await t.api.call('GET', '/v1/me/2fa', { auth: { bearer: dev.token } });
    expect(status.body.recoveryCodesLeft).toBe(9);
    const stored = await t.store
      .collection<{ id: string; userId: string }>('recovery_codes')
      .find({ userId: dev.userId });
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[1]!);
    // A code of another account does nothing here.
    const other = await enrol(await t.api.register());
    const cross = await t.api.call('POST', '/v1/auth/login/2fa', {
      body: { challengeToken: await challenge(), recoveryCode: other.recoveryCodes[0] },
    });
    expect(cross.status).toBe(401);
  });

  it('refuses malformed second steps and forged challenges with 4xx codes', async () => {
    const both = await t.api.call('POST', '/v1/auth/login/2fa', {
      body: { challengeToken: 'x', code: '123456', recoveryCode: 'abcde-fghij' },
    });
    expect(both.status).toBe(400);
    const forged = await t.api.call('POST', '/v1/auth/login/2fa', {
      body: { challengeToken: 'a.b.c', code: '123456' },
    });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('invalid_challenge');
    const letters = await t.api.call('POST', '/v1/auth/login/2fa', {
      body: { challengeToken: 'a.b.c', code: 'abcdef' },
    });
    expect(letters.status).toBe(400);
  });

  it('disabling needs the password and a code; afterwards log-in is one step again', async () => {
    const dev = await t.api.register();
    const { secret } = await enrol(dev);
    clock.offsetMs += 30_000;
    const code = await generate({ secret, epoch: epochNow() });
    const badPw = await t.api.call('POST', '/v1/me/2fa/disable', {
      auth: { bearer: dev.token },
      body: { password: 'not the password', code },
    });
    expect(badPw.status).toBe(401);
    const off = await t.api.call('POST', '/v1/me/2fa/disable', {
      auth: { bearer: dev.token },
      body: { password: dev.password, code },
    });
    expect(off.status).toBe(200);
    // Every session ended, the caller's too; the answer carries its new one.
    expect((await t.api.call('GET', '/v1/me', { auth: { bearer: dev.token } })).body.error.code).toBe('session_ended');
    expect((await t.api.call('GET', '/v1/me', { auth: { bearer: off.body.accessToken } })).status).toBe(200);
    expect(off.body.user.twoFactorEnabled).toBe(false);
    const login = await t.api.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(login.body.accessToken).toBeTypeOf('string');
    expect(await t.store.collection('recovery_codes').count({ userId: dev.userId })).toBe(0);
  });
});

describe('email verification and password reset through the mail port', () => {
  it('sign-up mails a verification link that works once', async () => {
    const dev = await t.api.register();
    const mails = await outboxTo(dev.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/verify/i);
    const token = tokenIn(mails[0]!.text);
    expect((await t.api.call('GET', '/v1/me', { auth: { bearer: dev.token } })).body.user.emailVerified).toBe(false);
    const ok = await t.api.call('POST', '/v1/auth/verify-email', { body: { token } });
    expect(ok.status).toBe(200);
    expect((await t.api.call('GET', '/v1/me', { auth: { bearer: dev.token } })).body.user.emailVerified).toBe(true);
    const twice = await t.api.call('POST', '/v1/auth/verify-email', { body: { token } });
    expect(twice.status).toBe(400);
    expect(twice.body.error.code).toBe('account_token_used');
    const resend = await t.api.call('POST', '/v1/me/email/verification', { auth: { bearer: dev.token } });
    expect(resend.status).toBe(409);
    expect(resend.body.error.code).toBe('email_already_verified');
    const forged = await t.api.call('POST', '/v1/auth/verify-email', {
      body: { token: `${token.split('.')[0]}.wrong` },
    });
    expect(forged.body.error.code).toBe('invalid_account_token');
  });

  it('a reset link sets a new password once, signs out every session, and answers the same for unknown addresses', async () => {
    const dev = await t.api.register();
    const unknown = await t.api.call('POST', '/v1/auth/password-reset', { body: { email: 'nobody@example.com' } });
    expect(unknown.status).toBe(202);
    expect(await outboxTo('nobody@example.com')).toEqual([]);
    const asked = await t.api.call('POST', '/v1/auth/password-reset', { body: { email: dev.email.toUpperCase() } });
    expect(asked.status).toBe(202);
    const mail = (await outboxTo(dev.email)).find((m) => /reset/i.test(m.subject))!;
    const token = tokenIn(mail.text);
    const weak = await t.api.call('POST', '/v1/auth/password-reset/confirm', { body: { token, password: 'short' } });
    expect(weak.status).toBe(400);
    const done = await t.api.call('POST', '/v1/auth/password-reset/confirm', {
      body: { token, password: 'a brand new passphrase' },
    });
    expect(done.status).toBe(204);
    const reuse = await t.api.call('POST', '/v1/auth/password-reset/confirm', {
      body: { token, password: 'yet another passphrase' },
    });
    expect(reuse.body.error.code).toBe('account_token_used');
    const oldSession = await t.api.call('POST', '/v1/auth/refresh', { body: { refreshToken: dev.refreshToken } });
    expect(oldSession.status).toBe(401);
    const oldPw = await t.api.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(oldPw.status).toBe(401);
    const newPw = await t.api.call('POST', '/v1/auth/login', {
      body: { email: dev.email, password: 'a brand new passphrase' },
    });
    expect(newPw.status).toBe(200);
  });

  it('a reset link expires', async () => {
    const dev = await t.api.register();
    await t.api.call('POST', '/v1/auth/password-reset', { body: { email: dev.email } });
    const token = tokenIn((await outboxTo(dev.email)).find((m) => /reset/i.test(m.subject))!.text);
    clock.offsetMs += 601_000;
    const late = await t.api.call('POST', '/v1/auth/password-reset/confirm', {
      body: { token, password: 'a brand new passphrase' },
    });
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('account_token_expired');
    const login = await t.api.call('POST', '/v1/auth/login', { body: { email: dev.email, password: dev.password } });
    expect(login.status).toBe(200);
  });
});

describe('the development outbox', () => {
  it('is off unless DEV_OUTBOX=true, also in development on this machine', async () => {
    const dev = await buildTestControlPlane({ NODE_ENV: 'development' });
    try {
      const first = await dev.api.register();
      const { port } = await dev.cp.listen(0, '127.0.0.1');
      const local = await fetch(`http://127.0.0.1:${port}/v1/dev/outbox`, {
        headers: { authorization: `Bearer ${first.token}` },
      });
      expect(local.status).toBe(404);
    } finally {
      await dev.close();
    }
  });

  it('when on, answers only the operator; anyone else, on this machine too, gets the 404 of an unknown route', async () => {
    const member = await t.api.register();
    const { port } = await t.cp.listen(0, '127.0.0.1');
    const get = (headers: Record<string, string> = {}) =>
      fetch(`http://127.0.0.1:${port}/v1/dev/outbox`, { headers }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { error?: { code: string; message: string } },
      }));
    const unknown = await fetch(`http://127.0.0.1:${port}/v1/dev/outbox-nope`).then((r) => r.json());
    for (const res of [await get(), await get({ authorization: `Bearer ${member.token}` })]) {
      expect(res.status).toBe(404);
      expect(res.body.error!.code).toBe(unknown.error.code);
      expect(res.body.error!.message).toBe(unknown.error.message.replace('outbox-nope', 'outbox'));
    }
    const mine = await get({ authorization: `Bearer ${operator.token}` });
    expect(mine.status).toBe(200);
    expect(JSON.stringify(mine.body)).toContain(member.email);
  });

  it('without OPERATOR_EMAILS, the operator is the first account registered', async () => {
    const other = await buildTestControlPlane({ DEV_OUTBOX: 'true' });
    try {
      const first = await other.api.register();
      const second = await other.api.register();
      const read = (token: string) => other.api.call('GET', '/v1/dev/outbox', { auth: { bearer: token } });
      expect((await read(second.token)).status).toBe(404);
      const answer = await read(first.token);
      expect(answer.status).toBe(200);
      expect(answer.body.data.map((m: { to: string }) => m.to)).toContain(second.email);
    } finally {
      await other.close();
    }
  });
});

describe('per-app 2FA enforcement', () => {
  it('an owner with 2FA requires it; members without it get 403 two_factor_required until they enrol', async () => {
    const owner = await t.api.register();
    const app = await t.api.createApp(owner.token, 'Strict app');
    const early = await t.api.call('PATCH', `/v1/apps/${app.appId}/security`, {
      auth: { bearer: owner.token },
      body: { requireTwoFactor: true },
    });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('two_factor_not_enabled');
    await enrol(owner);
    const member = await t.api.register();
    await t.api.addMember(owner.token, app.appId, member, 'admin');
    // Only owners may change the rule.
    const byAdmin = await t.api.call('PATCH', `/v1/apps/${app.appId}/security`, {
      auth: { bearer: member.token },
      body: { requireTwoFactor: false },
    });
    expect(byAdmin.status).toBe(403);
    const on = await t.api.call('PATCH', `/v1/apps/${app.appId}/security`, {
      auth: { bearer: owner.token },
      body: { requireTwoFactor: true },
    });
    expect(on.status).toBe(200);
    expect(on.body.requireTwoFactor).toBe(true);

    const refused = await t.api.call('GET', `/v1/apps/${app.appId}/keys`, { auth: { bearer: member.token } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('two_factor_required');
    expect((await t.api.call('GET', `/v1/apps/${app.appId}`, { auth: { bearer: owner.token } })).status).toBe(200);
    // Server-to-server keys are not people: unaffected.
    expect((await t.api.call('GET', `/v1/apps/${app.appId}`, { auth: { basic: [app.key, app.secret] } })).status).toBe(
      200,
    );
    // Another app of the member is unaffected.
    const own = await t.api.createApp(member.token, 'Relaxed app');
    expect((await t.api.call('GET', `/v1/apps/${own.appId}`, { auth: { bearer: member.token } })).status).toBe(200);

    await enrol(member);
    const allowed = await t.api.call('GET', `/v1/apps/${app.appId}/keys`, { auth: { bearer: member.token } });
    expect(allowed.status).toBe(200);
  });
});
