// Names no other test (nor an earlier run on the same database) has used, so that tests never
// depend on one another's order or leftovers. Lower-case letters and digits only: they pass any
// username or slug rule.
let counter = 0;

function token(length: number): string {
	const time = Date.now().toString(36).slice(-5);
	const random = Math.random().toString(36).slice(2, 2 + Math.max(3, length - 7));
	return `${time}${(counter++ % 36).toString(36)}${random}`.slice(0, length);
}

/** A fresh username, `prefix` plus 12 characters (at most 20 in all). */
export function uniqueUsername(prefix = 'user'): string {
	return `${prefix.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 8)}${token(12)}`;
}

/** A fresh workspace name, readable in a failure message. */
export function uniqueWorkspaceName(prefix = 'Workspace'): string {
	return `${prefix} ${token(10)}`;
}

/** A fresh prompt title. */
export function uniquePromptName(prefix = 'Prompt'): string {
	return `${prefix} ${token(10)}`;
}

/** A fresh identifier-like value (slugs, database names): lower-case, digits, dashes. */
export function uniqueSlug(prefix = 'x'): string {
	return `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${token(10)}`;
}

/** A password that satisfies any reasonable strength rule. */
export const TEST_PASSWORD = 'correct horse battery staple 42';
