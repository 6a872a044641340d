// How the studio writes its figures, in one place: durations, money, token counts, rates, percentages
// and model parameters, so that a run reads the same in the runs table, on its page, next to a
// session's output, in a plugin's report and on the operator dashboard.

/** Shown where a figure was not recorded (a run still going, a model that reported no usage). */
export const NO_FIGURE = '—';

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A whole number with thousands separators: 1,024. */
export function formatCount(value: number | null | undefined): string {
	return value === null || value === undefined || !Number.isFinite(value) ? NO_FIGURE : integer.format(value);
}

/** "1 token", "1,024 tokens". */
export function formatTokens(value: number | null | undefined): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return NO_FIGURE;
	return `${integer.format(value)} ${Math.round(value) === 1 ? 'token' : 'tokens'}`;
}

/**
 * A duration in one unit a person reads at a glance: "640 ms" below a second, "6.9 s" below a
 * minute, "2 min 5 s" beyond (and "1 h 4 min" past an hour).
 */
export function formatDuration(ms: number | null | undefined): string {
	if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return NO_FIGURE;
	if (ms < 999.5) return `${Math.round(ms)} ms`;
	// Rounded to the tenth first, so that 59,960 ms reads "1 min 0 s" rather than "60.0 s".
	const tenths = Math.round(ms / 100);
	if (tenths < 600) return `${oneDecimal.format(tenths / 10)} s`;
	const seconds = Math.round(ms / 1000);
	if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
	const minutes = Math.round(seconds / 60);
	return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * Money in US dollars: "free" for nothing, four decimals under a cent ("$0.0030"), cents above
 * ("$1.25"), and "under $0.0001" for what four decimals would show as zero.
 */
export function formatCost(usd: number | null | undefined): string {
	if (usd === null || usd === undefined || !Number.isFinite(usd)) return NO_FIGURE;
	if (usd <= 0) return 'free';
	if (usd < 0.00005) return 'under $0.0001';
	if (usd < 0.01) return `$${usd.toFixed(4)}`;
	return `$${new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(usd)}`;
}

/** "12.3 tokens/s". */
export function formatRate(tokensPerSecond: number | null | undefined): string {
	if (tokensPerSecond === null || tokensPerSecond === undefined || !Number.isFinite(tokensPerSecond)) return NO_FIGURE;
	return `${oneDecimal.format(tokensPerSecond)} tokens/s`;
}

/** A share from 0 to 1 as "42.5 %" ("0 %" and "100 %" without a decimal). */
export function formatPercent(share: number | null | undefined): string {
	if (share === null || share === undefined || !Number.isFinite(share)) return NO_FIGURE;
	const value = share * 100;
	return `${Number.isInteger(value) ? integer.format(value) : oneDecimal.format(value)} %`;
}

/** The product's words for the model parameters a run records (the models' own names, snake or camel case). */
const PARAMETER_LABELS: Record<string, string> = {
	max_new_tokens: 'Max new tokens',
	maxTokens: 'Max new tokens',
	max_tokens: 'Max new tokens',
	temperature: 'Temperature',
	top_p: 'Top-p',
	topP: 'Top-p',
	top_k: 'Top-k',
	topK: 'Top-k',
	stop: 'Stop sequences',
	stopSequences: 'Stop sequences',
	seed: 'Seed',
	repetition_penalty: 'Repetition penalty',
	repetitionPenalty: 'Repetition penalty',
	modelType: 'Model',
	do_sample: 'Sampling'
};

/** "max_new_tokens" → "Max new tokens"; an unknown name is split into words, first letter capital. */
export function parameterLabel(name: string): string {
	const known = PARAMETER_LABELS[name];
	if (known) return known;
	const words = name
		.replace(/([a-z\d])([A-Z])/g, '$1 $2')
		.replace(/[_-]+/g, ' ')
		.trim()
		.toLowerCase();
	return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/** A parameter's value as text: lists joined, yes/no for switches, numbers as written; never JSON. */
export function parameterValue(value: unknown): string {
	if (value === null || value === undefined || value === '') return NO_FIGURE;
	if (typeof value === 'boolean') return value ? 'yes' : 'no';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : NO_FIGURE;
	if (typeof value === 'string') return value;
	if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((item) => (typeof item === 'string' ? `“${item}”` : parameterValue(item))).join(', ');
	if (typeof value === 'object')
		return Object.entries(value as Record<string, unknown>)
			.map(([key, inner]) => `${parameterLabel(key)}: ${parameterValue(inner)}`)
			.join(', ');
	return String(value);
}
