import { describe, expect, it } from 'vitest';
import { minutesToWait } from '$lib/server/wait-words';

describe('how long to wait, in words', () => {
	it('says minutes as a person would, rounded up, never less than one', () => {
		expect(minutesToWait(0)).toBe('1 minute');
		expect(minutesToWait(59)).toBe('1 minute');
		expect(minutesToWait(61)).toBe('2 minutes');
		expect(minutesToWait(900)).toBe('15 minutes');
	});
});
