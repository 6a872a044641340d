// Validation of everything a person types about accounts; the server parses every form with these.
import { z } from 'zod';

export const USERNAME_RULE = 'Use 3–32 letters, digits, "-" or "_".';

export const usernameSchema = z
	.string({ error: 'Enter a username.' })
	.trim()
	.min(3, USERNAME_RULE)
	.max(32, USERNAME_RULE)
	.regex(/^[A-Za-z0-9_-]+$/, USERNAME_RULE);

/** Upper bound keeps hashing cost bounded; argon2 needs no truncation. */
export const passwordSchema = z
	.string({ error: 'Enter a password.' })
	.min(10, 'Use at least 10 characters.')
	.max(256, 'Use at most 256 characters.');

export const signUpSchema = z
	.object({ username: usernameSchema, password: passwordSchema, confirmPassword: z.string().max(256) })
	.refine((form) => form.password === form.confirmPassword, {
		path: ['confirmPassword'],
		message: 'The passwords do not match.'
	});

export const signInSchema = z.object({
	username: z.string().trim().min(1, 'Enter your username.').max(32, 'Usernames are at most 32 characters.'),
	password: z.string().min(1, 'Enter your password.').max(256, 'Passwords are at most 256 characters.'),
	redirectTo: z.string().max(500).optional()
});
