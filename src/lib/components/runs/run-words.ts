// How the runs pages name a run's state: its status (with its badge's tone), what the cache did,
// why it stopped, and what it cost, in the product's words. The runs table, a run's page and its
// cards all read these, so a run is described the same way wherever it appears.
import type { CacheMode, CacheOutcome, RunStatus } from '$lib/schemas/runs';
import { formatCost } from '$lib/format';

export const RUN_STATUS: Record<RunStatus, { text: string; tone: string }> = {
	running: { text: 'Running', tone: 'bg-sky-500/10 text-sky-700 ring-sky-500/25 dark:text-sky-300' },
	succeeded: { text: 'Succeeded', tone: 'bg-success/12 text-success ring-success/30' },
	failed: { text: 'Failed', tone: 'bg-destructive/10 text-destructive ring-destructive/25' },
	cancelled: { text: 'Cancelled', tone: '' }
};

/** What the cache did for one run, in a few words. */
export const CACHE_OUTCOME: Record<CacheOutcome, string> = {
	hit: 'Answered from the cache',
	miss: 'Not in the cache yet',
	skip: 'Cache not asked'
};

export const CACHE_MODE: Record<CacheMode, string> = {
	auto: 'automatic (repeatable runs only)',
	always: 'always',
	never: 'never'
};

/** A run's finish reason as the model gave it (TGI's words), said plainly. */
export function finishReasonText(reason: string | null): string {
	switch (reason) {
		case null:
			return '—';
		case 'stop':
		case 'eos_token':
			return 'Finished its answer';
		case 'length':
			return 'Reached the max new tokens';
		case 'stop_sequence':
			return 'Met a stop sequence';
		default:
			return reason;
	}
}

/** A run's cost, with why it cost nothing when it did. */
export function runCostText(run: { costUsd: number | null; standIn: string | null; cacheOutcome: CacheOutcome | null }): string {
	if (run.costUsd !== 0) return formatCost(run.costUsd);
	if (run.cacheOutcome === 'hit') return 'free (cached)';
	if (run.standIn) return 'free (stand-in)';
	return formatCost(0);
}
