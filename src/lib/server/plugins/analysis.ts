// A run's output analysed by its workspace's enabled plugins when the run ends: each plugin's
// analyseOutput hook, isolated by the runner (a throw, a timeout or a bad configuration becomes that
// plugin's failed report, never the run's), turned into the reports every participant sees.
import type { PluginReport } from '$lib/realtime/session-events';
import { MODELS, isModelId } from '$lib/models';
import { analyseOutput, type EnabledPlugin } from './runner';
import type { Finding } from './types';

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
