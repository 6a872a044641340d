// The validation rules every form and endpoint shares.
import { describe, expect, it } from 'vitest';
import { signInSchema, signUpSchema } from '$lib/schemas/account';
import { promptFiltersSchema, promptMetaSchema, slugify } from '$lib/schemas/prompt';
import { addMemberSchema, roleAtLeast } from '$lib/schemas/workspace';

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
	Object.fromEntries((result.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));

describe('slugify', () => {
	it.each([
		['Security Review (v2)', 'security-review-v2'],
		['  Crème brûlée — recipe  ', 'creme-brulee-recipe'],
		['***', 'prompt'],
		['a'.repeat(80), 'a'.repeat(64)],
		[`${'b'.repeat(63)} c`, 'b'.repeat(63)]
	])('%s → %s', (title, slug) => {
		expect(slugify(title)).toBe(slug);
	});
});

describe('prompt fields', () => {
	it('normalises tags: trimmed, lower-cased, unique, empty ones dropped', () => {
		expect(promptMetaSchema.parse({ name: 'x', tags: ' Python, SQL,,python , c++ ' }).tags).toEqual(['python', 'sql', 'c++']);
	});

	it('refuses markup in tags and more than twelve of them', () => {
		expect(issues(promptMetaSchema.safeParse({ name: 'x', tags: '<script>' })).tags).toMatch(/Tags use letters/);
		expect(issues(promptMetaSchema.safeParse({ name: 'x', tags: Array.from({ length: 13 }, (_, i) => `t${i}`).join(',') })).tags).toBe('Use at most 12 tags.');
	});

	it('accepts an empty slug (derived later) and refuses a malformed one', () => {
		expect(promptMetaSchema.parse({ name: 'x', slug: '' }).slug).toBe('');
		for (const slug of ['Upper', 'two--dashes', '-lead', 'trail-', 'sp ace']) {
			expect(promptMetaSchema.safeParse({ name: 'x', slug }).success, slug).toBe(false);
		}
	});

	it('trims the title and refuses one that is only spaces', () => {
		expect(promptMetaSchema.parse({ name: '  Hi  ' }).name).toBe('Hi');
		expect(issues(promptMetaSchema.safeParse({ name: '   ' })).name).toBe('Enter a title.');
	});

	it('turns malformed list filters into no filter instead of an error', () => {
		expect(promptFiltersSchema.parse({ visibility: 'everyone', q: 'x'.repeat(500) })).toEqual({ q: '', category: '', tag: '', visibility: '' });
	});
});

describe('account fields', () => {
	it('requires matching passwords of 10 to 256 characters', () => {
		expect(issues(signUpSchema.safeParse({ username: 'ann', password: 'short', confirmPassword: 'short' })).password).toBe('Use at least 10 characters.');
		expect(issues(signUpSchema.safeParse({ username: 'ann', password: 'long enough!', confirmPassword: 'other one!!' })).confirmPassword).toBe('The passwords do not match.');
		expect(signUpSchema.safeParse({ username: 'ann', password: 'long enough!', confirmPassword: 'long enough!' }).success).toBe(true);
	});

	it('bounds sign-in input so that nothing huge reaches the password hasher', () => {
		expect(signInSchema.safeParse({ username: 'ann', password: 'p'.repeat(257) }).success).toBe(false);
	});

	it('knows only the three roles', () => {
		expect(addMemberSchema.safeParse({ username: 'ann', role: 'admin' }).success).toBe(false);
	});
});

describe('roles', () => {
	it('ranks owner over editor over viewer', () => {
		expect(roleAtLeast('owner', 'editor')).toBe(true);
		expect(roleAtLeast('editor', 'editor')).toBe(true);
		expect(roleAtLeast('viewer', 'editor')).toBe(false);
		expect(roleAtLeast('editor', 'owner')).toBe(false);
	});
});
