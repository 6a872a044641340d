// Plugins cannot freeze the studio: every hook runs in a worker thread that is terminated when the
// hook passes its budget, so a hook that never returns (while (true) {}) is reported as a timeout
// while the caller's thread keeps running, and the next call gets a fresh worker. The built-in
// plugins' own expressions are bounded: pathological lines finish quickly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { analyseOutput, transformInput } from '$lib/server/plugins/runner';
import { getPlugin } from '$lib/server/plugins/registry';
import type { StudioPlugin } from '$lib/plugins';
import scanner from '../../../plugins/security-scanner';
import redactor from '../../../plugins/pii-redactor';
import analyser from '../../../plugins/code-analyser';
import extractor from '../../../plugins/code-block-extractor';

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
 * How long the caller's loop may go without a timer: a hook spinning on this thread would hold it for
 * good; a busy machine delays timers by tens, at times a few hundred, ms (134 ms seen at load 8 while
 * a worker started), so the bound is set far from both.
 */
const LOOP_STALL_MS = 1_000;

/** The longest the caller's event loop went without running a 10 ms timer. */
function loopWatch() {
	let last = performance.now();
	let longest = 0;
	const timer = setInterval(() => {
		const now = performance.now();
		longest = Math.max(longest, now - last);
		last = now;
	}, 10);
	return () => {
		clearInterval(timer);
		return Math.round(longest);
	};
}

let stopWatch: () => number;
beforeEach(() => {
	stopWatch = loopWatch();
});
afterEach(() => {
	stopWatch();
});

describe('a plugin hook that never returns', () => {
	it('is terminated at its budget and reported; the other plugins report and the caller never stops', async () => {
		const started = performance.now();
		const outcomes = await analyseOutput([{ plugin: looper }, { plugin: counter }], { output: 'one two three', model: { id: 'codet5p' } });
		const tookMs = performance.now() - started;
		expect(outcomes.map(({ pluginId, status }) => [pluginId, status])).toEqual([['looper', 'timeout'], ['counter', 'ok']]);
		expect(outcomes[0]).toMatchObject({ message: 'looper.analyseOutput ran past its 150 ms budget' });
		expect(outcomes[1]).toMatchObject({ result: { metrics: { words: 3 } } });
		expect(tookMs).toBeLessThan(3_000);
		expect(stopWatch()).toBeLessThan(LOOP_STALL_MS);
	});

	it('leaves the input as it was and the next transform still runs; later calls get a fresh worker', async () => {
		const { input, outcomes } = await transformInput([{ plugin: looper }, { plugin: upper }], { kind: 'text', text: 'hello' }, {});
		expect(input).toEqual({ kind: 'text', text: 'HELLO' });
		expect(outcomes.map((o) => o.status)).toEqual(['timeout', 'ok']);
		for (let i = 0; i < 3; i++) {
			const [again] = await analyseOutput([{ plugin: counter }], { output: 'a b', model: { id: 'codet5p' } });
			expect(again).toMatchObject({ status: 'ok', result: { metrics: { words: 2 } } });
		}
		expect(stopWatch()).toBeLessThan(LOOP_STALL_MS);
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
		expect(stopWatch()).toBeLessThan(LOOP_STALL_MS);
	});

	it('each plugin takes at most a few hundred ms on 60k-character lines built to backtrack', async () => {
		const inputs = [
			'token-'.repeat(10_000),
			'a-'.repeat(30_000),
			' '.repeat(60_000) + 'x',
			'"SELECT '.repeat(7_500),
			'curl '.repeat(12_000),
			'function f(' + 'a,'.repeat(30_000),
			'def f():\n' + '    def g():\n'.repeat(3_000)
		];
		const hooks: Array<[string, (text: string) => unknown]> = [
			['security-scanner', (output) => scanner.analyseOutput!({ output, model, config: { categories: ['secret', 'shell', 'vulnerable'], minEntropy: 3.5, disabledRules: [] } })],
			['pii-redactor', (text) => redactor.transformInput!({ input: { kind: 'text', text }, variables: {}, config: { categories: ['email', 'iban', 'credit-card', 'ssn', 'ipv4', 'phone'] } })],
			['code-analyser', (output) => analyser.analyseOutput!({ output, model, config: { maxComplexity: 10, syntaxCheck: false, checkTimeoutMs: 2000 } })],
			['code-block-extractor', (output) => extractor.scoreSample!({ output, problem: { taskId: 't', prompt: 'def f():\n', entryPoint: 'f' }, config: { language: 'python' } })]
		];
		const slow: string[] = [];
		for (const [id, hook] of hooks) {
			for (const text of inputs) {
				const started = performance.now();
				await hook(text);
				const ms = performance.now() - started;
				if (ms > 300) slow.push(`${id} on ${JSON.stringify(text.slice(0, 12))}…: ${Math.round(ms)} ms`);
			}
		}
		expect(slow).toEqual([]);
	}, 600_000);
});
