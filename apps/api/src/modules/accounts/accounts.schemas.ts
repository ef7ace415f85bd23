import { z } from 'zod';
import { normalizeEmail } from '../users/users.repository';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

const emailField = z
  .string()
  .max(254)
  .transform(normalizeEmail)
  .pipe(z.email({ message: 'must be a valid email address' }));
const newPassword = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);
/** The token of an emailed link; its exact shape is checked by the token store (invalid_token). */
const tokenField = z.string().min(1, 'is required').max(200);

export const credentialsSchema = z.object({ email: emailField, password: newPassword });
export type Credentials = z.infer<typeof credentialsSchema>;

/** Login only checks the shape loosely: a too-short password is just a wrong password. */
export const loginSchema = z.object({
  email: z.string().max(254).transform(normalizeEmail),
  password: z.string().max(PASSWORD_MAX),
});

export const verifyEmailSchema = z.object({ token: tokenField, password: z.string().max(PASSWORD_MAX) });
export const forgotPasswordSchema = z.object({ email: emailField });
export const resetPasswordSchema = z.object({ token: tokenField, password: newPassword });
export const confirmEmailSchema = z.object({ token: tokenField });
export const changePasswordSchema = z.object({ current_password: z.string().max(PASSWORD_MAX), new_password: newPassword });
export const changeEmailSchema = z.object({ email: emailField, password: z.string().max(PASSWORD_MAX) });

export const sessionUserSchema = z.object({ id: z.string(), email: z.string() });
export type SessionUserView = z.infer<typeof sessionUserSchema>;

/** POST /verify-email and /login: the session cookie is set, the CSRF token comes in the body. */
export const authResponseDataSchema = z.object({
  user: sessionUserSchema,
  csrf_token: z.string().describe('Send it as X-CSRF-Token on every state-changing request of this session'),
});
export type AuthResponseData = z.infer<typeof authResponseDataSchema>;

/** POST /signup (and /password/forgot, /email): the same body whether the address is new or registered. */
export const mailSentDataSchema = z.object({ mail_sent: z.literal(true) });
export type MailSentData = z.infer<typeof mailSentDataSchema>;

export const passwordResetDataSchema = z.object({ password_reset: z.literal(true), email: z.string() });
export const emailConfirmedDataSchema = z.object({ email: z.string().describe('The address the account now uses') });
export const loggedOutDataSchema = z.object({ logged_out: z.literal(true) });
export const loggedOutEverywhereDataSchema = z.object({ logged_out: z.literal(true), sessions_ended: z.number().int() });
export const passwordChangedDataSchema = z.object({ password_changed: z.literal(true), other_sessions_ended: z.number().int() });
export type PasswordResetData = z.infer<typeof passwordResetDataSchema>;
export type EmailConfirmedData = z.infer<typeof emailConfirmedDataSchema>;
export type LoggedOutData = z.infer<typeof loggedOutDataSchema>;
export type LoggedOutEverywhereData = z.infer<typeof loggedOutEverywhereDataSchema>;
export type PasswordChangedData = z.infer<typeof passwordChangedDataSchema>;
