// What the property tests of hostile input (hostile-*.property.test.ts) share: the fixed seed, and a
// watch on the studio process they attack from outside: it has not exited, /api/health answers, it
// logged no error (an unexpected failure is logged at level 50 before it is answered as one), and
// how much memory it holds (VmRSS) before and after.
import { expect } from 'vitest';
import type { AppServer } from '../helpers/app-server';
import { MiB, rssOf } from './dos-fixtures';

/** One seed for every hostile property: CI replays the same inputs each run. */
export const HOSTILE_SEED = 20261206;

/** How much more memory the studio may hold after a property than before it (a leak per input breaks it). */
export const RSS_GROWTH_BOUND = 300 * MiB;

export interface StudioWatch {
	/** The studio is running, healthy and logged nothing at error level since the watch began. */
	assertHealthy(): Promise<void>;
	/** Memory before and now (bytes), printed under `label`; fails past RSS_GROWTH_BOUND. */
	assertMemory(label: string): { before: number; after: number };
}

/** Lines of the studio's output that say something failed unexpectedly: pino's error and fatal, or a crash's trace. */
function failureLines(output: string): string[] {
	return output.split('\n').filter((line) => /"level":(50|60)\b/.test(line) || /^(Uncaught|Unhandled|.*\bunhandledRejection\b)/.test(line) || /^\s*at .*\(.*\.js:\d+:\d+\)$/.test(line));
}

export function watchStudio(app: AppServer): StudioWatch {
	let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
	void app.exited().then((how) => (exit = how));
	const logFrom = app.output().length;
	const rssBefore = rssOf(app.pid);
	return {
		async assertHealthy() {
			expect(exit, `the studio exited:\n${app.output().slice(-4000)}`).toBeNull();
			const health = await fetch(`${app.url}/api/health`, { signal: AbortSignal.timeout(15_000) });
			await health.arrayBuffer();
			expect(health.status).toBe(200);
			expect(failureLines(app.output().slice(logFrom)), 'the studio logged an unexpected failure').toEqual([]);
		},
		assertMemory(label) {
			const after = rssOf(app.pid);
			const mb = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
			console.log(`${label}: studio RSS ${mb(rssBefore)} before, ${mb(after)} after (${after >= rssBefore ? '+' : ''}${mb(after - rssBefore)}; bound +${mb(RSS_GROWTH_BOUND)})`);
			expect(after).toBeGreaterThan(0);
			expect(after - rssBefore).toBeLessThan(RSS_GROWTH_BOUND);
			return { before: rssBefore, after };
		}
	};
}
