// Plugins cannot freeze the studio: every hook runs in a worker thread that is terminated when the
// hook passes its budget, so a hook that never returns (while (true) {}) is reported as a timeout
// while the caller's thread keeps running, and the next call gets a fresh worker. The built-in
// plugins' own expressions are bounded: pathological lines finish (how fast: bench/plugins-pathological.mjs).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyseOutput, transformInput } from '$lib/server/plugins/runner';
import { getPlugin } from '$lib/server/plugins/registry';
import type { StudioPlugin } from '$lib/plugins';
import { BUILT_IN_TEXT_HOOKS, PATHOLOGICAL_LINES } from '../../fixtures/plugin-pathological-lines';

const looper: StudioPlugin = {
	manifest: { id: 'looper', name: 'Looper', version: '1', description: 'never returns', hooks: ['analyseOutput', 'transformInput'], configSchema: z.object({}), timeBudgetMs: 150 },
	analyseOutput: () => {
		while (true) {
			/* spins the thread */
		}
	},
	transformInput: () => {
		while (true) {
			/* spins the thread */
		}
	}
};
const counter: StudioPlugin = {
	manifest: { id: 'counter', name: 'Counter', version: '1', description: 'counts words', hooks: ['analyseOutput'], configSchema: z.object({}) },
	analyseOutput: ({ output }) => ({ findings: [], metrics: { words: output.split(/\s+/).length } })
};
const upper: StudioPlugin = {
	manifest: { id: 'upper', name: 'Upper', version: '1', description: '', hooks: ['transformInput'], configSchema: z.object({}) },
	transformInput: ({ input }) => ({ input: input.kind === 'text' ? { kind: 'text', text: input.text.toUpperCase() } : input, notes: [] })
};

/**
 * Counts the caller's timer ticks. A hook that ran on this thread would spin it for good: no tick
 * would run and the call would never answer. In the pool, the hook's budget is a timer on this
 * thread too, armed when its worker starts the hook, after this one: Node runs due timers in the
 * order they fall due, so a caller that stays free has ticked at least once by the time a timeout
 * is answered, however busy the machine (no duration is compared: speed belongs to `npm run bench`).
 */
function loopTicks() {
	let ticks = 0;
	const timer = setInterval(() => ticks++, 5);
	return {
		seen: () => ticks,
		stop: () => clearInterval(timer)
	};
}

let ticks: ReturnType<typeof loopTicks>;
beforeEach(() => {
	ticks = loopTicks();
});
afterEach(() => {
	ticks.stop();
});

describe('a plugin hook that never returns', () => {
	it('is terminated at its budget and reported; the other plugins report and the caller never stops', async () => {
		const outcomes = await analyseOutput([{ plugin: looper }, { plugin: counter }], { output: 'one two three', model: { id: 'codet5p' } });
		// The caller's timers ran while the hook spun, before its budget's timer answered the call.
		expect(ticks.seen()).toBeGreaterThan(0);
		expect(outcomes.map(({ pluginId, status }) => [pluginId, status])).toEqual([['looper', 'timeout'], ['counter', 'ok']]);
		expect(outcomes[0]).toMatchObject({ message: 'looper.analyseOutput ran past its 150 ms budget' });
		expect(outcomes[1]).toMatchObject({ result: { metrics: { words: 3 } } });
	});

	it('leaves the input as it was and the next transform still runs; later calls get a fresh worker', async () => {
		const { input, outcomes } = await transformInput([{ plugin: looper }, { plugin: upper }], { kind: 'text', text: 'hello' }, {});
		expect(ticks.seen()).toBeGreaterThan(0);
		expect(input).toEqual({ kind: 'text', text: 'HELLO' });
		expect(outcomes.map((o) => o.status)).toEqual(['timeout', 'ok']);
		for (let i = 0; i < 3; i++) {
			const [again] = await analyseOutput([{ plugin: counter }], { output: 'a b', model: { id: 'codet5p' } });
			expect(again).toMatchObject({ status: 'ok', result: { metrics: { words: 2 } } });
		}
	});
});

describe('the built-in plugins on pathological text', () => {
	const model = { id: 'whiterabbitneo' };

	it('the security scanner on 10k characters of `token-` finishes within its budget, run by the runner', async () => {
		const output = 'token-'.repeat(1700) + '\n' + 'api_key = "Zx81Qp0Lm3Rt7Vb2Nc5K"';
		const [outcome] = await analyseOutput([{ plugin: getPlugin('security-scanner')! }], { output, model });
		expect(outcome).toMatchObject({ pluginId: 'security-scanner', status: 'ok' });
		expect((outcome as { result: { findings: { ruleId: string; location?: { line?: number } }[] } }).result.findings).toContainEqual(
			expect.objectContaining({ ruleId: 'high-entropy-secret', location: { line: 2 } })
		);
	});

	// What each hook answers on these lines: none holds a secret, an address or a function's code.
	const usualAnswer: Record<string, (text: string) => object> = {
		'security-scanner': () => ({ findings: [] }),
		'pii-redactor': (text) => ({ input: { kind: 'text', text } }),
		'code-analyser': () => ({ findings: expect.any(Array) }),
		'code-block-extractor': () => ({ code: expect.stringMatching(/^def f\(\):\n/) })
	};

	// A backtracking blow-up on a 60k-character line does not end in any time a test waits: the test's
	// timeout is the guard (the hooks answer all these in well under a second on this machine). How
	// fast each call is, is a figure: bench/plugins-pathological.mjs prints it.
	it('each plugin finishes on 60k-character lines built to backtrack, with its usual answer', async () => {
		for (const [id, hook] of BUILT_IN_TEXT_HOOKS) {
			for (const text of PATHOLOGICAL_LINES) {
				expect(await hook(text), `${id} on ${JSON.stringify(text.slice(0, 12))}…`).toMatchObject(usualAnswer[id]!(text));
			}
		}
	}, 60_000);
});
