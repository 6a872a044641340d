// Validation of everything a person types about accounts; the server parses every form with these.
import { z } from 'zod';

export const USERNAME_RULE = 'Use 3–32 letters, digits, "-" or "_".';

export const usernameSchema = z
	.string({ error: 'Enter a username.' })
	.trim()
	.min(3, USERNAME_RULE)
	.max(32, USERNAME_RULE)
	.regex(/^[A-Za-z0-9_-]+$/, USERNAME_RULE);

export const PASSWORD_MIN_LENGTH = 10;

/** Upper bound keeps hashing cost bounded; argon2 needs no truncation. */
export const passwordSchema = z
	.string({ error: 'Enter a password.' })
	.min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
	.max(256, 'Use at most 256 characters.');

const MISMATCH = { path: ['confirmPassword'], message: 'The passwords do not match.' };

export const signUpSchema = z
	.object({ username: usernameSchema, password: passwordSchema, confirmPassword: z.string().max(256), redirectTo: z.string().max(500).optional() })
	.refine((form) => form.password === form.confirmPassword, MISMATCH);

export const signInSchema = z.object({
	username: z.string().trim().min(1, 'Enter your username.').max(32, 'Usernames are at most 32 characters.'),
	password: z.string().min(1, 'Enter your password.').max(256, 'Passwords are at most 256 characters.'),
	redirectTo: z.string().max(500).optional()
});

/** The new password follows the sign-up rule; "not the current one" is the account service's rule. */
export const changePasswordSchema = z
	.object({
		currentPassword: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(256, 'Passwords are at most 256 characters.'),
		newPassword: passwordSchema,
		confirmPassword: z.string().max(256)
	})
	.refine((form) => form.newPassword === form.confirmPassword, MISMATCH);

export const DISPLAY_NAME_MAX = 64;
/**
 * Characters a name others read must not hold: controls, invisible formatting (zero-width joiners,
 * right-to-left overrides that make a name read as another), private-use and unassigned code
 * points, and line or paragraph separators.
 */
const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
/**
 * Blank characters that Unicode calls letters or symbols: the Hangul fillers (a name of one reads
 * as no name at all, yet passes "at least one letter"), the braille blank, and every other code
 * point Unicode says to draw as nothing, but for the variation selectors that give an emoji its look.
 */
const BLANK = /(?![\uFE00-\uFE0F])[\p{Default_Ignorable_Code_Point}\u2800]/u;

/** A display name as typed: runs of spaces become one; empty means "show my username". */
export const displayNameSchema = z
	.string({ error: 'Enter a display name, or leave it empty to be shown by your username.' })
	.transform((value) => value.replace(/\s+/g, ' ').trim())
	.pipe(
		z
			.string()
			.max(DISPLAY_NAME_MAX, `Use at most ${DISPLAY_NAME_MAX} characters.`)
			.refine((value) => !UNSHOWABLE.test(value) && !BLANK.test(value), 'Use letters, digits, spaces and punctuation only: no invisible or control characters.')
			.refine((value) => value === '' || /[\p{L}\p{N}]/u.test(value), 'Include at least one letter or digit.')
	);

export const displayNameFormSchema = z.object({ displayName: displayNameSchema });

/** A session of one's own, by its id (the SHA-256 of its cookie token, 64 hex digits). */
export const signOutSessionSchema = z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/, 'Unknown session.') });
