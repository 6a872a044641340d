// The model parameters as the editor's controls read and write them: which models to offer and
// how a control's text becomes a value of the draft's 'params' map (the ranges of draftParametersSchema).

/** The models a prompt can target (the studio's two; a model registry will supply these). */
export const MODEL_CHOICES = [
	{ id: 'whiterabbitneo', name: 'WhiteRabbitNeo-33B' },
	{ id: 'codet5p', name: 'CodeT5+ 16B' }
] as const satisfies readonly { id: string; name: string }[];

export type NumericParameter = 'temperature' | 'maxTokens' | 'topP' | 'seed';

export type ParsedParameter = { ok: true; value: number | undefined } | { ok: false; error: string };

const RULES: Record<NumericParameter, { min: number; max: number; minExclusive?: boolean; integer?: boolean; optional?: boolean; message: string }> = {
	temperature: { min: 0, max: 2, message: 'Use a number from 0 to 2.' },
	maxTokens: { min: 1, max: 8192, integer: true, message: 'Use a whole number from 1 to 8192.' },
	topP: { min: 0, max: 1, minExclusive: true, optional: true, message: 'Use a number above 0, at most 1, or leave it empty.' },
	seed: { min: 0, max: 2 ** 31 - 1, integer: true, optional: true, message: 'Use a whole number from 0, or leave it empty.' }
};

/** A control's text as a parameter value; empty means "unset" for the optional ones. */
export function parseParameter(key: NumericParameter, text: string): ParsedParameter {
	const rule = RULES[key];
	const trimmed = text.trim();
	if (trimmed === '') return rule.optional ? { ok: true, value: undefined } : { ok: false, error: rule.message };
	const value = Number(trimmed);
	const inRange = rule.minExclusive ? value > rule.min : value >= rule.min;
	if (!Number.isFinite(value) || !inRange || value > rule.max || (rule.integer && !Number.isInteger(value))) {
		return { ok: false, error: rule.message };
	}
	return { ok: true, value };
}
