// A plugin report is read into one shape before anyone sees it: rows of findings (severity, rule,
// line, a code excerpt) and labelled figures, never a plugin's raw JSON. Reports kept before this
// shape read into it too, so an old run's page shows rows as well.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readPluginReports, REPORT_LIMITS } from '$lib/plugins/report';
import { analyseRunOutput } from '$lib/server/plugins';
import { definePlugin } from '$lib/plugins';

const usage = { promptTokens: 310, completionTokens: 12, costUsd: 0, free: 'stand-in' as const };

describe('reading kept reports', () => {
	it('turns an older token counter’s metrics into labelled figures and an extractor’s blocks into rows with their code', () => {
		const reports = readPluginReports([
			{ pluginId: 'token-cost', name: 'Token and cost counter', status: 'ok', findings: [], metrics: { tokensIn: 0, tokensOut: 12, estimated: true, pricing: 'per-gpu-hour', costUsd: 0.003 }, message: null },
			{ pluginId: 'code-block-extractor', name: 'Code block extractor', status: 'ok', findings: [], metrics: { blocks: [{ language: 'python', declared: 'python', line: 3, fenced: true, code: 'print(1)\n' }] }, message: null }
		]);
		expect(reports).toEqual([
			{
				pluginId: 'token-cost',
				name: 'Token and cost counter',
				status: 'ok',
				findings: [],
				figures: [
					{ label: 'Prompt tokens', value: 0, unit: 'tokens', note: 'estimated' },
					{ label: 'Completion tokens', value: 12, unit: 'tokens', note: 'estimated' },
					{ label: 'Cost', value: 0.003, unit: 'usd' }
				],
				message: null
			},
			{
				pluginId: 'code-block-extractor',
				name: 'Code block extractor',
				status: 'ok',
				findings: [{ ruleId: 'code-block', severity: 'info', message: 'python block', line: 3, excerpt: { code: 'print(1)\n', language: 'python' } }],
				figures: [],
				message: null
			}
		]);
	});

	it('drops what is not a report, and bounds what is', () => {
		expect(readPluginReports(null)).toBeNull();
		expect(readPluginReports('nope')).toBeNull();
		expect(readPluginReports([42, { hello: 'world' }])).toBeNull();
		const [report] = readPluginReports([
			{ pluginId: 'x', status: 'ok', findings: [{ ruleId: 'r', severity: 'fatal', message: 'bad severity' }, { ruleId: 'r', severity: 'info', message: 'y'.repeat(5_000), excerpt: { code: 'z'.repeat(10_000) } }] }
		])!;
		expect(report!.findings).toHaveLength(1);
		expect(report!.findings[0]!.message.length).toBe(REPORT_LIMITS.message);
		expect(report!.findings[0]!.excerpt!.code.length).toBe(REPORT_LIMITS.excerpt);
		expect(report!.name).toBe('x');
	});
});

describe('what a plugin returns', () => {
	it('is checked before it is kept: findings and figures of another shape are left out, and the report says how many', async () => {
		const sloppy = definePlugin({
			manifest: { id: 'sloppy', name: 'Sloppy', version: '1', description: '', hooks: ['analyseOutput'], configSchema: z.object({}) },
			analyseOutput: () =>
				({
					findings: [{ ruleId: 'ok', severity: 'warning', message: 'fine', location: { line: 2 }, excerpt: { code: 'x = 1' } }, { ruleId: 'json', severity: 'warning', message: { nested: true } }],
					figures: [{ label: 'Widgets', value: 3, unit: 'count' }, { label: 'Blob', value: { a: 1 }, unit: 'count' }]
				}) as never
		});
		const [report] = (await analyseRunOutput([{ plugin: sloppy }], { model: 'codet5p', output: 'x = 1', latencyMs: 5, usage }))!;
		expect(report).toEqual({
			pluginId: 'sloppy',
			name: 'Sloppy',
			status: 'ok',
			findings: [
				{ ruleId: 'ok', severity: 'warning', message: 'fine', line: 2, excerpt: { code: 'x = 1' } },
				{ ruleId: 'report-cut', severity: 'info', message: '2 more items were left out (too many, or not in a shape the studio shows).' }
			],
			figures: [{ label: 'Widgets', value: 3, unit: 'count' }],
			message: null
		});
	});
});
