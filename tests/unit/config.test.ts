// The studio's settings: read once, validated, and a bad value is named in the message.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '$lib/server/config';

describe('configuration', () => {
	it('runs on the embedded database with no settings at all', () => {
		const config = parseConfig({});
		expect(config.DATABASE_URL).toBeUndefined();
		expect(config.DATA_DIR).toBe('./data');
		expect(config.REDIS_PREFIX).toBe('cts');
	});

	it('treats an empty DATABASE_URL as unset', () => {
		expect(parseConfig({ DATABASE_URL: '  ' }).DATABASE_URL).toBeUndefined();
	});

	it('refuses a database URL that is not PostgreSQL, naming the variable', () => {
		expect(() => parseConfig({ DATABASE_URL: 'mysql://localhost/db' })).toThrow(/DATABASE_URL: must start with postgres/);
	});

	it('coerces numeric limits and refuses out-of-range ones', () => {
		expect(parseConfig({ SIGNIN_WINDOW_SECONDS: '60' }).SIGNIN_WINDOW_SECONDS).toBe(60);
		expect(() => parseConfig({ SIGNIN_WINDOW_SECONDS: '0' })).toThrow(/SIGNIN_WINDOW_SECONDS/);
	});
});
