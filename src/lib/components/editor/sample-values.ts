// The sample values a person types to try a template out on the editor page: theirs alone, never
// part of the draft, kept in this browser (localStorage, one entry per prompt) so that a reload
// finds them. A browser that keeps nothing (private mode, storage full) simply forgets them.
import { z } from 'zod';

const STORAGE_PREFIX = 'cts:sample-values:';
/** Values kept per prompt, at most; each at most this long (a whole file fits, a runaway paste does not). */
export const SAMPLE_LIMITS = { values: 50, valueLength: 20_000 } as const;

const storedSchema = z.record(z.string(), z.string());

export function sampleValuesKey(promptId: string): string {
	return `${STORAGE_PREFIX}${promptId}`;
}

/** What this browser kept for the prompt; nothing when it kept nothing, or something unreadable. */
export function loadSampleValues(storage: Pick<Storage, 'getItem'> | undefined, key: string): Map<string, string> {
	try {
		const parsed = storedSchema.safeParse(JSON.parse(storage?.getItem(key) ?? '{}'));
		if (!parsed.success) return new Map();
		return new Map(Object.entries(parsed.data).slice(0, SAMPLE_LIMITS.values));
	} catch {
		return new Map(); // not JSON: written by something else; start afresh
	}
}

/** Keeps the non-empty values (within the limits); false when the browser would not keep them. */
export function saveSampleValues(storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined, key: string, values: ReadonlyMap<string, string>): boolean {
	const kept = [...values].filter(([, value]) => value !== '' && value.length <= SAMPLE_LIMITS.valueLength).slice(0, SAMPLE_LIMITS.values);
	try {
		if (kept.length === 0) storage?.removeItem(key);
		else storage?.setItem(key, JSON.stringify(Object.fromEntries(kept)));
		return storage !== undefined;
	} catch {
		return false; // quota exceeded or storage refused: the values stay on the page
	}
}
