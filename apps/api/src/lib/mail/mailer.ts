import nodemailer from 'nodemailer';
import type { Logger } from '../logger/logger';

export interface MailMessage {
  to: string;
  subject: string;
  /** plain text: every mail we send is short and carries at most one link */
  text: string;
}

/**
 * Account mails. With SMTP_URL: nodemailer over SMTP. Without (embedded quick start): the whole
 * mail, link included, is written to the log as a warning, so a newcomer can still sign up.
 *
 * `queue` does not wait for the SMTP round trip: an HTTP answer must not take longer when a mail
 * is sent than when none is (that difference would tell whether an address has an account).
 * Failures are logged; `idle()` waits for every queued mail (shutdown, tests).
 */
export function createMailer(deps: { smtpUrl: string | undefined; from: string; logger: Logger }) {
  const transport = deps.smtpUrl ? nodemailer.createTransport(deps.smtpUrl) : null;
  const pending = new Set<Promise<void>>();

  async function deliver(msg: MailMessage): Promise<void> {
    if (!transport) {
      deps.logger.warn(
        { mail: { to: msg.to, subject: msg.subject } },
        `*** SMTP_URL is not set: this mail was NOT sent, here it is instead ***\nTo: ${msg.to}\nSubject: ${msg.subject}\n\n${msg.text}`,
      );
      return;
    }
    await transport.sendMail({ from: deps.from, to: msg.to, subject: msg.subject, text: msg.text });
  }

  return {
    /** Whether mails really leave the process (false: they are written to the log). */
    smtp: transport !== null,

    queue(msg: MailMessage): void {
      const job = deliver(msg)
        .catch((err: unknown) => {
          deps.logger.error({ err: String(err), mail: { subject: msg.subject } }, 'account mail could not be sent');
        })
        .finally(() => pending.delete(job));
      pending.add(job);
    },

    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },

    async close(): Promise<void> {
      await this.idle();
      transport?.close();
    },
  };
}

export type Mailer = ReturnType<typeof createMailer>;
