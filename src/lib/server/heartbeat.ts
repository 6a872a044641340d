// Long work (runs, evaluations) outlives no instance silently: every RUN_HEARTBEAT_MS the instance
// doing it marks its rows alive, and each instance ends, as failed, rows nobody marked alive for
// RUN_STALE_AFTER_MS (their instance died). Timers live in the runtime: dev may load this twice.
import { config } from './config';
import { logger } from './logger';
import { redis } from './redis';
import { slot } from './runtime';

const beats = slot('heartbeat', () => new Map<string, NodeJS.Timeout>());

/** Runs `beat` every RUN_HEARTBEAT_MS (once per `name` and process); a failed beat is logged, the next tries again. */
export function startBeat(name: string, beat: () => Promise<void>): void {
	if (beats().has(name)) return;
	const timer = setInterval(() => {
		beat().catch((error) => logger.warn({ err: error, beat: name }, 'a heartbeat failed; trying again next beat'));
	}, config().RUN_HEARTBEAT_MS);
	timer.unref();
	beats().set(name, timer);
}

export function stopBeat(name: string): void {
	const timers = beats.peek();
	clearInterval(timers?.get(name));
	timers?.delete(name);
}

/** Work marked alive before this lost its instance. */
export function staleBefore(): Date {
	return new Date(Date.now() - config().RUN_STALE_AFTER_MS);
}

/**
 * What counts as abandoned at start: alone (no Redis), everything left running was this studio's
 * own (null: all of it); beside other instances, only what nobody marked alive lately.
 */
export function abandonedAtStart(): Date | null {
	return redis() ? staleBefore() : null;
}
