import { describe, expect, it } from 'vitest';
import { draftParametersSchema } from '$lib/prompt-doc';
import { MODEL_CHOICES, parseParameter } from '$lib/components/editor/parameters';

describe('model parameter controls', () => {
	it('accept what the draft accepts and write numbers', () => {
		expect(parseParameter('temperature', '0.35')).toEqual({ ok: true, value: 0.35 });
		expect(parseParameter('maxTokens', ' 512 ')).toEqual({ ok: true, value: 512 });
		expect(parseParameter('topP', '1')).toEqual({ ok: true, value: 1 });
		expect(parseParameter('seed', '0')).toEqual({ ok: true, value: 0 });
	});

	it('refuse out-of-range and non-integer values with a message, as the draft schema would', () => {
		for (const [key, text] of [
			['temperature', '2.5'],
			['temperature', 'hot'],
			['maxTokens', '0'],
			['maxTokens', '12.5'],
			['maxTokens', '9000'],
			['topP', '0'],
			['seed', '-1']
		] as const) {
			const result = parseParameter(key, text);
			expect(result.ok, `${key}=${text}`).toBe(false);
			if (!result.ok) expect(result.error).toMatch(/Use/);
		}
	});

	it('unset the optional ones when emptied, and require the others', () => {
		expect(parseParameter('topP', '')).toEqual({ ok: true, value: undefined });
		expect(parseParameter('seed', '  ')).toEqual({ ok: true, value: undefined });
		expect(parseParameter('temperature', '').ok).toBe(false);
	});

	it('offer the draft’s default model', () => {
		expect(MODEL_CHOICES.map((m) => m.id)).toContain(draftParametersSchema.parse({}).modelType);
	});
});
