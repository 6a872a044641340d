// How long someone must wait, said as a person would ("1 minute", "15 minutes"), for the messages
// of every rate limit.

/** Whole minutes, rounded up, at least one. */
export function minutesToWait(seconds: number): string {
	const minutes = Math.max(1, Math.ceil(seconds / 60));
	return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
