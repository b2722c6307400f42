// The mail port: SMTP (nodemailer) when SMTP_URL is set, else an outbox folder of JSON files for development.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId } from '@beamline/protocol';
import nodemailer, { type Transporter } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** A mail as the outbox keeps it. */
export interface OutboxMail extends Mail {
  id: string;
  from: string;
  createdAt: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(mail: Mail): Promise<void>;
}

/** Writes each mail as one JSON file under `dir`; names sort by time, so the newest lists first. */
export class OutboxMailer implements Mailer {
  readonly kind = 'outbox';
  constructor(
    readonly dir: string,
    private readonly from: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(mail: Mail): Promise<void> {
    const at = this.now();
    const stored: OutboxMail = { id: newId('mail'), from: this.from, createdAt: at.toISOString(), ...mail };
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, `${at.getTime()}-${stored.id}.json`), JSON.stringify(stored, null, 2), {
      flag: 'wx',
    });
  }

  /** The newest mails first. */
  async list(limit = 50): Promise<OutboxMail[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const newest = names
      .filter((n) => n.endsWith('.json'))
      .sort()
      .reverse()
      .slice(0, limit);
    const mails = await Promise.all(
      newest.map(async (n) => {
        try {
          return JSON.parse(await readFile(join(this.dir, n), 'utf8')) as OutboxMail;
        } catch {
          return null; // half-written or removed meanwhile
        }
      }),
    );
    return mails.filter((m): m is OutboxMail => m !== null);
  }
}

export class SmtpMailer implements Mailer {
  readonly kind = 'smtp';
  private readonly transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...mail });
  }

  close(): void {
    this.transport.close();
  }
}

export function createMailer(opts: { smtpUrl?: string | undefined; dataDir: string; from: string }): Mailer {
  return opts.smtpUrl
    ? new SmtpMailer(opts.smtpUrl, opts.from)
    : new OutboxMailer(join(opts.dataDir, 'outbox'), opts.from);
}
