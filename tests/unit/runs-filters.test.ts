// The run history's URL query: filters a person (or a stale link) puts in the address bar, and the
// page cursors. A bad value is "no filter", never an error page.
import { describe, expect, it } from 'vitest';
import { encodeCursor, isFiltered, parseRunQuery, runFiltersSchema, runRatingSchema } from '$lib/schemas/runs';

const parse = (query: string) => parseRunQuery(new URLSearchParams(query));
const SESSION = '0198c2a4-5b7e-7c3d-9a1b-2c3d4e5f6a7b';

describe('run filters from the URL', () => {
	it('has no filter and no page when the URL has none', () => {
		const { filters, page } = parse('');
		expect(filters).toEqual({ prompt: '', model: '', status: '', cache: '', user: '', session: '', from: '', to: '' });
		expect(page).toEqual({});
		expect(isFiltered(filters)).toBe(false);
	});

	it('reads every filter a person can set', () => {
		const { filters } = parse(`prompt=Security-Review&model=codet5p&status=failed&cache=hit&user=%20Ada%20&session=${SESSION}&from=2024-03-01&to=2024-03-31`);
		expect(filters).toEqual({
			prompt: 'security-review',
			model: 'codet5p',
			status: 'failed',
			cache: 'hit',
			user: 'Ada',
			session: SESSION,
			from: '2024-03-01',
			to: '2024-03-31'
		});
		expect(isFiltered(filters)).toBe(true);
	});

	it.each([
		['prompt', 'not a slug!'],
		['prompt', 'x'.repeat(65)],
		['model', 'gpt-4'],
		['status', 'done'],
		['cache', 'maybe'],
		['user', 'u'.repeat(33)],
		['session', 'not-a-uuid'],
		['from', '2024-02-31'],
		['from', '03/01/2024'],
		['to', 'yesterday']
	])('drops an unreadable %s (%s) instead of refusing the page, and keeps the good filters beside it', (name, value) => {
		const [good, goodValue] = name === 'cache' ? ['model', 'codet5p'] : ['cache', 'miss'];
		const { filters } = parse(`${name}=${encodeURIComponent(value)}&${good}=${goodValue}`);
		expect(filters[name as keyof typeof filters]).toBe('');
		expect(filters[good as keyof typeof filters]).toBe(goodValue);
	});

	it('takes the last value of a repeated parameter and ignores unknown ones', () => {
		const { filters } = parse('model=codet5p&model=whiterabbitneo&colour=blue');
		expect(filters.model).toBe('whiterabbitneo');
		expect('colour' in filters).toBe(false);
	});

	it('parses an object with missing keys to empty filters (the service is called with it)', () => {
		expect(runFiltersSchema.parse({ model: 'whiterabbitneo' })).toMatchObject({ model: 'whiterabbitneo', prompt: '', from: '' });
	});
});

describe('page cursors', () => {
	const cursor = { at: new Date('2024-03-01T10:00:00.123Z'), id: SESSION };

	it('round-trips a cursor through the URL, older or newer', () => {
		expect(parse(`older=${encodeCursor(cursor)}`).page).toEqual({ before: cursor });
		expect(parse(`newer=${encodeCursor(cursor)}`).page).toEqual({ after: cursor });
	});

	it('prefers "older" when a hand-made URL has both, and ignores a malformed cursor', () => {
		expect(parse(`older=${encodeCursor(cursor)}&newer=${encodeCursor(cursor)}`).page).toEqual({ before: cursor });
		for (const bad of ['abc', `x_${SESSION}`, '1709287200123_not-a-uuid', `1709287200123-${SESSION}`, `9999999999999999_${SESSION}`]) {
			expect(parse(`older=${encodeURIComponent(bad)}`).page, bad).toEqual({});
		}
	});
});

describe('rating form', () => {
	const message = (input: Record<string, unknown>) => runRatingSchema.safeParse(input).error?.issues[0]?.message;

	it('accepts 1 to 5 whole stars from a form, and a trimmed comment', () => {
		expect(runRatingSchema.parse({ rating: '4', comment: '  fine  ' })).toEqual({ rating: 4, comment: 'fine' });
		expect(runRatingSchema.parse({ rating: 1 })).toEqual({ rating: 1, comment: '' });
	});

	it.each([['0'], ['6'], ['2.5'], [''], ['abc'], [undefined]])('refuses %s stars with one clear message', (rating) => {
		expect(message({ rating })).toBe('Choose 1 to 5 stars.');
	});

	it('refuses a comment over 2,000 characters and accepts one of exactly 2,000', () => {
		expect(message({ rating: 3, comment: 'x'.repeat(2001) })).toBe('Use at most 2,000 characters in the comment.');
		expect(runRatingSchema.safeParse({ rating: 3, comment: 'x'.repeat(2000) }).success).toBe(true);
	});
});
