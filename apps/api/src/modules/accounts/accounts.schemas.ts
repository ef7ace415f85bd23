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

export interface SessionUserView {
  id: string;
  email: string;
}
export interface AuthResponseData {
  user: SessionUserView;
  csrf_token: string;
}
/** POST /signup (and /password/forgot): the same body whether the address is new or registered. */
export interface MailSentData {
  mail_sent: true;
}
