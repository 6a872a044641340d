// The workspace's enabled plugins around a run: input plugins transform each model's prompt before
// it is sent, output plugins analyse the output when the run ends, template plugins lint a version:
// each plugin's
// analyseOutput hook, isolated by the runner (a throw, a timeout or a bad configuration becomes that
// plugin's failed report, never the run's), turned into the reports every participant sees.
import type { PluginReport } from '$lib/realtime/session-events';
import { MODELS, isModelId } from '$lib/models';
import type { FormattedPrompt } from '../models';
import type { DraftContent } from '$lib/prompt-doc';
import { analyseOutput, lintTemplate, transformInput, type EnabledPlugin } from './runner';
import type { Finding, PluginInput } from '$lib/plugins';

const toFinding = (f: Finding): PluginReport['findings'][number] => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, ...(f.location?.line ? { line: f.location.line } : {}) });

export async function analyseRunOutput(plugins: EnabledPlugin[], run: { model: string; output: string; latencyMs: number }): Promise<PluginReport[] | null> {
	if (plugins.length === 0) return null;
	const names = new Map(plugins.map((e) => [e.plugin.manifest.id, e.plugin.manifest.name]));
	const model = isModelId(run.model) ? { id: run.model, maxNewTokens: MODELS[run.model].limits.maxNewTokens } : { id: run.model };
	const outcomes = await analyseOutput(plugins, { output: run.output, model, latencyMs: run.latencyMs });
	if (outcomes.length === 0) return null;
	return outcomes.map((o) => ({
		pluginId: o.pluginId,
		name: names.get(o.pluginId) ?? o.pluginId,
		status: o.status,
		findings: o.status === 'ok' ? (o.result?.findings ?? []).map(toFinding) : [],
		metrics: o.status === 'ok' ? (o.result?.metrics ?? {}) : {},
		message: o.status === 'ok' ? null : o.message
	}));
}

/**
 * The workspace's input plugins (transformInput, in order) on each model's prompt before it is
 * sent: the transformed prompt per model and each plugin's report (its notes as info findings).
 * A plugin that fails leaves the prompt as it was and reports why.
 */
export async function transformPrompts(
	plugins: EnabledPlugin[],
	prompts: { model: string; prompt: FormattedPrompt }[],
	variables: Record<string, unknown>
): Promise<{ prompts: FormattedPrompt[]; reports: PluginReport[][] }> {
	const names = new Map(plugins.map((e) => [e.plugin.manifest.id, e.plugin.manifest.name]));
	const texts = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
	const results = await Promise.all(
		prompts.map(async ({ prompt }) => {
			const input: PluginInput = prompt.format === 'text' ? { kind: 'text', text: prompt.text } : { kind: 'chat', messages: prompt.messages };
			const { input: out, outcomes } = await transformInput(plugins, input, texts);
			const transformed: FormattedPrompt = out.kind === 'text' ? { format: 'text', text: out.text } : { format: 'chat', messages: out.messages };
			const reports: PluginReport[] = outcomes.map((o) => ({
				pluginId: o.pluginId,
				name: names.get(o.pluginId) ?? o.pluginId,
				status: o.status,
				findings: o.status === 'ok' ? o.result.notes.map((note) => ({ ruleId: 'input', severity: 'info' as const, message: note })) : [],
				metrics: o.status === 'ok' ? (o.result.metrics ?? {}) : {},
				message: o.status === 'ok' ? null : o.message
			}));
			return { transformed, reports };
		})
	);
	return { prompts: results.map((r) => r.transformed), reports: results.map((r) => r.reports) };
}

/** The workspace's template plugins (lintTemplate) on a version's content, for the model it names. */
export async function lintContent(plugins: EnabledPlugin[], content: DraftContent): Promise<PluginReport[]> {
	const names = new Map(plugins.map((e) => [e.plugin.manifest.id, e.plugin.manifest.name]));
	const modelId = content.parameters.modelType;
	const model = isModelId(modelId) ? { id: modelId, maxNewTokens: MODELS[modelId].limits.maxNewTokens } : { id: modelId };
	const outcomes = await lintTemplate(plugins, content, model);
	return outcomes.map((o) => ({
		pluginId: o.pluginId,
		name: names.get(o.pluginId) ?? o.pluginId,
		status: o.status,
		findings: o.status === 'ok' ? o.result.map((f) => ({ ...toFinding(f), message: f.location?.part ? `${f.location.part}: ${f.message}` : f.message })) : [],
		metrics: {},
		message: o.status === 'ok' ? null : o.message
	}));
}
