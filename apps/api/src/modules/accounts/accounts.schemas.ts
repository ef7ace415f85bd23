import { z } from 'zod';
import { normalizeEmail } from '../users/users.repository';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

export const credentialsSchema = z.object({
  email: z
    .string()
    .max(254)
    .transform(normalizeEmail)
    .pipe(z.email({ message: 'must be a valid email address' })),
  password: z
    .string()
    .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
    .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`),
});
export type Credentials = z.infer<typeof credentialsSchema>;

/** Login only checks the shape loosely: a too-short password is just a wrong password. */
export const loginSchema = z.object({
  email: z.string().max(254).transform(normalizeEmail),
  password: z.string().max(PASSWORD_MAX),
});

export interface SessionUserView {
  id: string;
  email: string;
}
export interface AuthResponseData {
  user: SessionUserView;
  csrf_token: string;
}
