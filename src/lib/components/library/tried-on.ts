// How the library names what answered a published version's runs ("Tried on", a sample's model): a
// model by its display name, the embedded stand-in by its own name and what it is.
import { MODELS } from '$lib/models';
import { readTriedOn, type TriedOn } from '$lib/schemas/publishing';

export interface TriedOnLabel {
	/** The model's name ("CodeT5+ 16B") or the stand-in's ("codetune-tiny-code"). */
	name: string;
	/** Set for a stand-in: says what it is. */
	note: string | null;
	/** The library filter it links to: a model's id; a stand-in has none. */
	filter: Extract<TriedOn, { kind: 'model' }>['model'] | null;
}

export function triedOnLabel(entry: string): TriedOnLabel | null {
	const read = readTriedOn(entry);
	if (!read) return null;
	return read.kind === 'model'
		? { name: MODELS[read.model].displayName, note: null, filter: read.model }
		: { name: read.name, note: 'local stand-in model', filter: null };
}

/** A sample's model as it answered: the stand-in, standing in for the model, or the model itself. */
export function sampleModelLabel(sample: { model: keyof typeof MODELS; standIn: string | null }): { name: string; note: string | null } {
	return sample.standIn
		? { name: sample.standIn, note: `local stand-in model, in ${MODELS[sample.model].displayName}'s place` }
		: { name: MODELS[sample.model].displayName, note: null };
}
