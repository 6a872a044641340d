// What the editor says about the live draft against the latest version, when the "restored from vN"
// notice still applies, and the try-out sample values this browser keeps per prompt.
import { describe, expect, it } from 'vitest';
import { describeDraftState, draftState, restoredNoticeApplies } from '$lib/draft-state';
import type { DraftContent } from '$lib/prompt-doc';
import { loadSampleValues, SAMPLE_LIMITS, saveSampleValues } from '$lib/components/editor/sample-values';

const V3: DraftContent = {
	systemPrompt: 'You review code.',
	userPromptTemplate: 'Review {{code}}',
	fewShotExamples: [{ input: 'a', output: 'b' }],
	parameters: { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 512, topP: undefined, stop: ['###'] }
};
const committed = { number: 3, content: V3 };

describe('the draft against the latest version', () => {
	it('says "No changes since v3" for the same content, however its keys are ordered', () => {
		const reordered: DraftContent = { ...V3, parameters: { stop: ['###'], maxTokens: 512, temperature: 0.2, modelType: 'whiterabbitneo' } };
		const state = draftState(reordered, 3, committed);
		expect(state).toEqual({ kind: 'unchanged', version: 3 });
		expect(describeDraftState(state)).toBe('No changes since v3');
	});

	it('says "Uncommitted changes since v3" for a change to any part: text, an example, a parameter', () => {
		const changes: DraftContent[] = [
			{ ...V3, userPromptTemplate: 'Review {{code}} ' },
			{ ...V3, fewShotExamples: [{ input: 'a', output: 'c' }] },
			{ ...V3, parameters: { ...V3.parameters, temperature: 0.3 } }
		];
		for (const draft of changes) expect(describeDraftState(draftState(draft, 3, committed))).toBe('Uncommitted changes since v3');
	});

	it('compares with a newer version only once it has been read', () => {
		const state = draftState(V3, 4, committed);
		expect(state).toEqual({ kind: 'checking', version: 4 });
		expect(describeDraftState(state)).toBe('Comparing with v4…');
		expect(draftState(V3, 4, { number: 4, content: V3 })).toEqual({ kind: 'unchanged', version: 4 });
	});

	it('before any version: "Not committed yet" once something is written, "Nothing written yet" before', () => {
		const blank: DraftContent = { ...V3, systemPrompt: '', userPromptTemplate: '', fewShotExamples: [] };
		expect(describeDraftState(draftState(V3, null, null))).toBe('Not committed yet');
		expect(describeDraftState(draftState(blank, null, null))).toBe('Nothing written yet');
	});
});

describe('the "restored from vN" notice', () => {
	it('applies while the restored draft differs from the latest version, and is stale once nothing differs', () => {
		expect(restoredNoticeApplies(1, { kind: 'changed', version: 3 })).toBe(true);
		expect(restoredNoticeApplies(3, { kind: 'unchanged', version: 3 })).toBe(false);
		expect(restoredNoticeApplies(1, { kind: 'checking', version: 4 })).toBe(false);
		expect(restoredNoticeApplies(null, { kind: 'changed', version: 3 })).toBe(false);
	});
});

describe('sample values kept in this browser', () => {
	function memoryStorage(): Storage {
		const items = new Map<string, string>();
		return {
			get length() {
				return items.size;
			},
			clear: () => items.clear(),
			getItem: (key) => items.get(key) ?? null,
			key: (index) => [...items.keys()][index] ?? null,
			removeItem: (key) => void items.delete(key),
			setItem: (key, value) => void items.set(key, String(value))
		};
	}

	it('keeps multi-line values per prompt and reads them back', () => {
		const storage = memoryStorage();
		expect(saveSampleValues(storage, 'p1', new Map([['code', 'def f():\n    pass'], ['language', '']]))).toBe(true);
		expect([...loadSampleValues(storage, 'p1')]).toEqual([['code', 'def f():\n    pass']]);
		expect(loadSampleValues(storage, 'p2').size).toBe(0);
	});

	it('keeps nothing too long, and forgets the entry once every value is empty', () => {
		const storage = memoryStorage();
		saveSampleValues(storage, 'p1', new Map([['code', 'x'.repeat(SAMPLE_LIMITS.valueLength + 1)], ['task', 't']]));
		expect([...loadSampleValues(storage, 'p1').keys()]).toEqual(['task']);
		saveSampleValues(storage, 'p1', new Map([['task', '']]));
		expect(storage.getItem('p1')).toBeNull();
	});

	it('reads something unreadable as nothing, and says so when the browser will not keep values', () => {
		const storage = memoryStorage();
		storage.setItem('p1', 'not json');
		expect(loadSampleValues(storage, 'p1').size).toBe(0);
		storage.setItem('p1', '{"code": 5}');
		expect(loadSampleValues(storage, 'p1').size).toBe(0);
		const full = { ...memoryStorage(), setItem: () => { throw new DOMException('full', 'QuotaExceededError'); }, removeItem: () => undefined };
		expect(saveSampleValues(full, 'p1', new Map([['code', 'x']]))).toBe(false);
		expect(saveSampleValues(undefined, 'p1', new Map([['code', 'x']]))).toBe(false);
	});
});
