// The mail port's two adapters: the outbox folder of development, and SMTP against a real SMTP server on loopback.
import { readdirSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { createMailer, OutboxMailer, SmtpMailer } from '../../src/mail';
import { freePort, tempDir } from '../../testing';

const dir = tempDir();
afterAll(() => dir.remove());

describe('outbox adapter', () => {
  it('writes each mail as one JSON file and lists the newest first', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const outbox = new OutboxMailer(
      `${dir.path}/outbox`,
      'Beamline <no-reply@example.com>',
      () => new Date((t += 1000)),
    );
    await outbox.send({ to: 'a@example.com', subject: 'first', text: 'one' });
    await outbox.send({ to: 'b@example.com', subject: 'second', text: 'two https://x.example/?token=abc' });
    expect(readdirSync(`${dir.path}/outbox`)).toHaveLength(2);
    const mails = await outbox.list();
    expect(mails.map((m) => m.subject)).toEqual(['second', 'first']);
    expect(mails[0]).toMatchObject({ to: 'b@example.com', from: 'Beamline <no-reply@example.com>' });
    expect(mails[0]!.id).toMatch(/^mail_/);
    expect(await new OutboxMailer(`${dir.path}/missing`, 'x').list()).toEqual([]);
  });

  it('is the default without SMTP_URL; SMTP is chosen with it', () => {
    expect(createMailer({ dataDir: dir.path, from: 'x <x@example.com>' }).kind).toBe('outbox');
    const smtp = createMailer({ smtpUrl: 'smtp://127.0.0.1:2525', dataDir: dir.path, from: 'x <x@example.com>' });
    expect(smtp.kind).toBe('smtp');
    (smtp as SmtpMailer).close();
  });
});

describe('SMTP adapter', () => {
  it('delivers through a real SMTP server with authentication', async () => {
    const received: { from: string; to: string[]; body: string; user?: string }[] = [];
    const server = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, cb) {
        if (auth.username === 'mailer' && auth.password === 's3cret') cb(null, { user: auth.username });
        else cb(new Error('bad credentials'));
      },
      onData(stream, session, cb) {
        let body = '';
        stream.on('data', (d: Buffer) => (body += d.toString()));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            body,
            user: session.user as string | undefined,
          });
          cb();
        });
      },
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const mailer = new SmtpMailer(`smtp://mailer:s3cret@127.0.0.1:${port}`, 'Beamline <no-reply@example.com>');
      await mailer.send({ to: 'dev@example.com', subject: 'Reset your password', text: 'open https://x/?token=t' });
      mailer.close();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ from: 'no-reply@example.com', to: ['dev@example.com'], user: 'mailer' });
      expect(received[0]!.body).toContain('Subject: Reset your password');
      expect(received[0]!.body).toContain('token=t');
      const wrong = new SmtpMailer(`smtp://mailer:nope@127.0.0.1:${port}`, 'x <x@example.com>');
      await expect(wrong.send({ to: 'dev@example.com', subject: 's', text: 't' })).rejects.toThrow();
      wrong.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
