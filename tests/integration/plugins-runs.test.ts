// Plugins around runs: a workspace enables the security scanner and the token and cost counter; a
// session's run streams as always and, when it ends, everyone receives the plugins' reports with the
// finished run (a dangerous shell command found on its line, the token figures), stored in
// execution_history.plugin_results and read back by history. Settings are checked against each
// plugin's schema; viewers cannot change them; a workspace with no plugin enabled gets no reports.
import { describe, expect, it } from 'vitest';
import { getRun } from '$lib/server/generation';
import { enabledPlugins, lintContent, pluginSettings, savePluginSetting } from '$lib/server/plugins';
import { prisma } from '../helpers/db';
import { refusal } from '../helpers/refusal';
import { sample } from './versions-fixtures';
import { connected, newSessionTeam, okData, request, SessionWatcher, useTestHub, type SessionTeam } from '../helpers/hub-client';

const hub = useTestHub();

async function runOnce(team: SessionTeam, variables: Record<string, string> = { language: 'bash', task: 'clean up' }) {
	const editor = hub.client(team.editor.cookie);
	await connected(editor);
	const seen = new SessionWatcher(editor);
	okData(await request(editor, 'session:join', { sessionId: team.sessionId }));
	const started = okData(
		await request(editor, 'run:start', {
			sessionId: team.sessionId,
			source: { kind: 'version', versionNumber: 1 },
			variables,
			models: ['whiterabbitneo'],
			cacheMode: 'never'
		})
	);
	return seen.finishedRun(started.runs[0]!.executionId);
}

describe('plugins on a run’s output', () => {
	it('report with the finished run to the session, and are kept with the run for history', async () => {
		const team = await newSessionTeam();
		await savePluginSetting(team.owner.member, 'security-scanner', true, '{}');
		await savePluginSetting(team.editor.member, 'token-cost', true, '{}');
		hub.tgi().script({ tokens: ['#!/bin/sh\n', 'echo cleaning\n', 'rm -rf / --no-preserve-root\n'] });

		const finished = await runOnce(team);
		expect(finished.status).toBe('succeeded');
		const reports = finished.plugins!;
		expect(reports.map((r) => r.pluginId).sort()).toEqual(['security-scanner', 'token-cost']);
		const scanner = reports.find((r) => r.pluginId === 'security-scanner')!;
		expect(scanner.status).toBe('ok');
		expect(scanner.findings).toContainEqual(expect.objectContaining({ ruleId: 'rm-rf-root', severity: expect.stringMatching(/error|warning/), line: 3 }));
		// The counter's figures are the run's own: what the model reported and what the run cost.
		const cost = reports.find((r) => r.pluginId === 'token-cost')!;
		expect(cost.status).toBe('ok');
		const run = await getRun(team.owner.member, finished.executionId);
		expect(run.promptTokens).toBeGreaterThan(0);
		expect(cost.figures).toEqual([
			{ label: 'Prompt tokens', value: run.promptTokens, unit: 'tokens', note: 'counted by the model' },
			{ label: 'Completion tokens', value: run.completionTokens, unit: 'tokens', note: 'counted by the model' },
			{ label: 'Cost', value: run.costUsd, unit: 'usd' }
		]);

		const row = await (await prisma()).executionHistory.findUniqueOrThrow({ where: { id: finished.executionId }, select: { pluginResults: true } });
		expect(row.pluginResults).toEqual(reports);
		expect((await getRun(team.owner.member, finished.executionId)).plugins).toEqual(reports);
	});

	it('a workspace with no plugin enabled gets no reports; a plugin switched off stops reporting', async () => {
		const team = await newSessionTeam();
		hub.tgi().script({ tokens: ['print(1)'] });
		expect((await runOnce(team)).plugins).toBeNull();
		await savePluginSetting(team.owner.member, 'security-scanner', true, '{}');
		await savePluginSetting(team.owner.member, 'security-scanner', false, '{}');
		expect((await runOnce(team)).plugins).toBeNull();
	});

	it('settings: every shipped plugin listed off by default; a bad configuration and a viewer are refused; an unknown plugin is 404', async () => {
		const team = await newSessionTeam();
		const listed = await pluginSettings(team.viewer.member);
		expect(listed.map((p) => p.id).sort()).toEqual(['code-analyser', 'code-block-extractor', 'pii-redactor', 'security-scanner', 'template-linter', 'token-cost']);
		expect(listed.every((p) => !p.enabled)).toBe(true);
		expect(await refusal(savePluginSetting(team.owner.member, 'token-cost', true, '{not json'))).toMatchObject({ status: 400, field: 'config' });
		expect(await refusal(savePluginSetting(team.owner.member, 'security-scanner', true, '{"minEntropy": -1}'))).toMatchObject({ status: 400, field: 'config' });
		expect((await refusal(savePluginSetting(team.viewer.member, 'token-cost', true, '{}'))).status).toBe(403);
		expect((await refusal(savePluginSetting(team.owner.member, 'no-such-plugin', true, '{}'))).status).toBe(404);
		expect((await pluginSettings(team.owner.member)).find((p) => p.id === 'token-cost')!.enabled).toBe(false);
	});
});

describe('input plugins', () => {
	it('the PII redactor changes what the model is sent, and what history records, before the run', async () => {
		const team = await newSessionTeam();
		await savePluginSetting(team.owner.member, 'pii-redactor', true, '{}');
		hub.tgi().script({ tokens: ['ok'] });
		const before = hub.tgi().requests.length;
		const finished = await runOnce(team, { language: 'Python', task: 'email alice.smith@example.com the report' });
		expect(finished.status).toBe('succeeded');
		const sent = JSON.stringify(hub.tgi().requests[before]!.body);
		expect(sent).not.toContain('alice.smith@example.com');
		expect(sent).toContain('[EMAIL_1]');
		const row = await (await prisma()).executionHistory.findUniqueOrThrow({ where: { id: finished.executionId }, select: { renderedPrompt: true } });
		expect(row.renderedPrompt).toContain('[EMAIL_1]');
		expect(row.renderedPrompt).not.toContain('alice.smith@example.com');
		expect(finished.plugins).toContainEqual(expect.objectContaining({ pluginId: 'pii-redactor', status: 'ok' }));
	});

	it('an input plugin that cannot run stops the start: nothing is sent and nothing recorded', async () => {
		const team = await newSessionTeam();
		await savePluginSetting(team.owner.member, 'pii-redactor', true, '{}');
		// Settings that were valid once and are not any more (saved settings are checked again at each run).
		const db = await prisma();
		await db.pluginSetting.updateMany({ where: { workspaceId: team.workspaceId, pluginId: 'pii-redactor' }, data: { config: { categories: ['shoe-size'] } } });
		const before = hub.tgi().requests.length;
		const editor = hub.client(team.editor.cookie);
		await connected(editor);
		okData(await request(editor, 'session:join', { sessionId: team.sessionId }));
		const refused = await request(editor, 'run:start', {
			sessionId: team.sessionId,
			source: { kind: 'version', versionNumber: 1 },
			variables: { language: 'Python', task: 'mail carol@example.com' },
			models: ['whiterabbitneo'],
			cacheMode: 'never'
		});
		expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/^PII redactor has invalid settings, so nothing was sent/) } });
		expect(hub.tgi().requests.length).toBe(before);
		expect(await db.executionHistory.count({ where: { sessionId: team.sessionId } })).toBe(0);
	});
});

describe('template plugins', () => {
	it('the template linter checks a version for the page: an empty template, a prompt longer than the context', async () => {
		const team = await newSessionTeam();
		expect(await lintContent(await enabledPlugins(team.workspaceId), sample({ userPromptTemplate: '' }))).toEqual([]);
		await savePluginSetting(team.owner.member, 'template-linter', true, '{}');
		const plugins = await enabledPlugins(team.workspaceId);
		const empty = await lintContent(plugins, sample({ userPromptTemplate: '' }));
		expect(empty).toEqual([expect.objectContaining({ pluginId: 'template-linter', status: 'ok', findings: expect.arrayContaining([expect.objectContaining({ ruleId: 'empty-template', severity: 'error' })]) })]);
		const huge = await lintContent(plugins, sample({ systemPrompt: 'word '.repeat(19_000), parameters: { modelType: 'codet5p', temperature: 0, maxTokens: 512 } }));
		expect(huge[0]!.findings.map((f) => f.ruleId)).toContain('context-overflow');
	});
});
