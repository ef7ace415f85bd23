import type { MailMessage } from '../../lib/mail/mailer';
import { TOKEN_TTL_SECONDS } from './email-tokens';

/**
 * The texts of account mails. Links carry the token in the fragment (#token=...): browsers never
 * send a fragment to the server, so the token stays out of access logs and Referer headers; the
 * page posts it to the API.
 */
export function accountMails(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, '');
  const link = (page: string, token: string) => `${base}/dashboard/${page}#token=${token}`;
  const hours = (s: number) => (s >= 7200 ? `${s / 3600} hours` : s >= 3600 ? '1 hour' : `${s / 60} minutes`);

  return {
    verify(to: string, token: string): MailMessage {
      return {
        to,
        subject: 'Confirm your email address for twdown',
        text: [
          'Someone (hopefully you) signed up for twdown with this email address.',
          '',
          'To confirm it and open your account, follow this link and enter the password you chose:',
          link('verify-email', token),
          '',
          `The link works once and expires in ${hours(TOKEN_TTL_SECONDS.verify_email)}.`,
          'If it was not you, ignore this mail: nobody can use the account without this link.',
        ].join('\n'),
      };
    },

    signupAttempt(to: string): MailMessage {
      return {
        to,
        subject: 'Someone tried to sign up for twdown with your address',
        text: [
          'Someone tried to sign up for twdown with your email address, but you already have an account.',
          'Nothing was changed.',
          '',
          `If it was you, log in: ${base}/dashboard/login`,
          `Forgot your password? Reset it: ${base}/dashboard/forgot-password`,
          '',
          'If it was not you, you can ignore this mail.',
        ].join('\n'),
      };
    },

    reset(to: string, token: string): MailMessage {
      return {
        to,
        subject: 'Reset your twdown password',
        text: [
          'Someone (hopefully you) asked to reset the password of your twdown account.',
          '',
          'To choose a new password, follow this link:',
          link('reset-password', token),
          '',
          `The link works once and expires in ${hours(TOKEN_TTL_SECONDS.reset_password)}. Setting a new password logs out every session.`,
          'If it was not you, ignore this mail: your password stays as it is.',
        ].join('\n'),
      };
    },

    changeEmail(to: string, token: string, current: string): MailMessage {
      return {
        to,
        subject: 'Confirm your new email address for twdown',
        text: [
          `The twdown account ${current} asked to use this address from now on.`,
          '',
          'To confirm, follow this link:',
          link('confirm-email', token),
          '',
          `The link works once and expires in ${hours(TOKEN_TTL_SECONDS.change_email)}.`,
          'If it was not you, ignore this mail.',
        ].join('\n'),
      };
    },

    changeEmailTaken(to: string): MailMessage {
      return {
        to,
        subject: 'Someone tried to move a twdown account to your address',
        text: [
          'Another twdown account asked to use this email address, but you already have an account with it.',
          'Nothing was changed. If it was not you, you can ignore this mail.',
        ].join('\n'),
      };
    },

    emailChanged(to: string, next: string): MailMessage {
      return {
        to,
        subject: 'Your twdown email address was changed',
        text: [
          `The email address of your twdown account was changed to ${next}.`,
          'From now on, log in with the new address.',
          '',
          'If you did not do this, reply to this mail at once: someone with your password changed it.',
        ].join('\n'),
      };
    },

    passwordChanged(to: string): MailMessage {
      return {
        to,
        subject: 'Your twdown password was changed',
        text: [
          'The password of your twdown account was changed, and every other session was logged out.',
          `If you did not do this, reset it now: ${base}/dashboard/forgot-password`,
        ].join('\n'),
      };
    },
  };
}

export type AccountMails = ReturnType<typeof accountMails>;
