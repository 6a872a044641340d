// The workspace's enabled plugins around a run: input plugins transform each model's prompt (and
// the variables the run records) before it is sent, output plugins analyse the output when the run
// ends, template plugins lint a version. Each hook is isolated by the runner (a throw, a timeout or a
// bad configuration becomes that plugin's failed report, never the run's), and what a plugin
// returned is checked against the report's one definition before anyone sees or keeps it.
import { MODELS, isModelId } from '$lib/models';
import type { FormattedPrompt } from '../models';
import type { DraftContent } from '$lib/prompt-doc';
import { analyseOutput, lintTemplate, transformInput, type EnabledPlugin } from './runner';
import type { Figure, Finding, PluginInput, PluginOutcome, RunUsage } from '$lib/plugins';
import { REPORT_LIMITS, reportFigureSchema, reportFindingSchema, type PluginReport, type ReportFigure, type ReportFinding } from '$lib/plugins/report';

function toFinding(f: Finding): ReportFinding | null {
	const part = f.location?.part;
	const parsed = reportFindingSchema.safeParse({
		ruleId: f.ruleId,
		severity: f.severity,
		message: f.message,
		...(f.location?.line ? { line: f.location.line } : {}),
		...(part ? { part } : {}),
		...(f.excerpt ? { excerpt: f.excerpt } : {})
	});
	return parsed.success ? parsed.data : null;
}

function toFigure(f: Figure): ReportFigure | null {
	const parsed = reportFigureSchema.safeParse(f);
	return parsed.success ? parsed.data : null;
}

/**
 * One outcome as a report. A plugin's result is JSON from a worker: findings and figures that do not
 * have the report's shape are left out, and the report says how many were.
 */
function toReport<R>(names: Map<string, string>, outcome: PluginOutcome<R>, read: (result: R) => { findings?: unknown; figures?: unknown }): PluginReport {
	const base = { pluginId: outcome.pluginId, name: names.get(outcome.pluginId) ?? outcome.pluginId };
	if (outcome.status !== 'ok') return { ...base, status: outcome.status, findings: [], figures: [], message: outcome.message.slice(0, REPORT_LIMITS.message) };
	const { findings: rawFindings, figures: rawFigures } = read(outcome.result) ?? {};
	const foundList = Array.isArray(rawFindings) ? rawFindings : [];
	const figureList = Array.isArray(rawFigures) ? rawFigures : [];
	const findings = foundList.slice(0, REPORT_LIMITS.findings).flatMap((f) => toFinding(f as Finding) ?? []);
	const figures = figureList.slice(0, REPORT_LIMITS.figures).flatMap((f) => toFigure(f as Figure) ?? []);
	const dropped = foundList.length - findings.length + (figureList.length - figures.length);
	if (dropped > 0 && findings.length < REPORT_LIMITS.findings) {
		findings.push({ ruleId: 'report-cut', severity: 'info', message: `${dropped} more ${dropped === 1 ? 'item was' : 'items were'} left out (too many, or not in a shape the studio shows).` });
	}
	return { ...base, status: 'ok', findings, figures, message: null };
}

const namesOf = (plugins: EnabledPlugin[]) => new Map(plugins.map((e) => [e.plugin.manifest.id, e.plugin.manifest.name]));

/** What an output plugin is told about the run it analyses. */
export interface AnalysedRun {
	model: string;
	output: string;
	latencyMs: number;
	/** The prompt as the model was sent it (after the input plugins). */
	prompt?: FormattedPrompt;
	/** The run's own token counts and cost, as recorded: the figures every page shows. */
	usage: RunUsage;
}

const toInput = (prompt: FormattedPrompt): PluginInput => (prompt.format === 'text' ? { kind: 'text', text: prompt.text } : { kind: 'chat', messages: prompt.messages });

export async function analyseRunOutput(plugins: EnabledPlugin[], run: AnalysedRun): Promise<PluginReport[] | null> {
	if (plugins.length === 0) return null;
	const names = namesOf(plugins);
	const model = isModelId(run.model) ? { id: run.model, maxNewTokens: MODELS[run.model].limits.maxNewTokens } : { id: run.model };
	const outcomes = await analyseOutput(plugins, {
		output: run.output,
		model,
		latencyMs: run.latencyMs,
		usage: run.usage,
		...(run.prompt ? { input: toInput(run.prompt) } : {})
	});
	if (outcomes.length === 0) return null;
	return outcomes.map((o) => toReport(names, o, (result) => result));
}

/**
 * The workspace's input plugins (transformInput, in order) on each model's prompt before it is
 * sent: the transformed prompt per model, the variables as each transformed prompt uses them (a
 * redactor's placeholders: what the run records), and each plugin's report (its notes as info
 * findings). A plugin that fails leaves the prompt as it was and reports why; `failed` names it.
 */
export async function transformPrompts(
	plugins: EnabledPlugin[],
	prompts: { model: string; prompt: FormattedPrompt }[],
	variables: Record<string, unknown>
): Promise<{ prompts: FormattedPrompt[]; variables: Record<string, string>[]; reports: PluginReport[][]; failed: PluginReport[] }> {
	const names = namesOf(plugins);
	const texts = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
	const results = await Promise.all(
		prompts.map(async ({ prompt }) => {
			const { input: out, variables: recorded, outcomes } = await transformInput(plugins, toInput(prompt), texts);
			const transformed: FormattedPrompt = out.kind === 'text' ? { format: 'text', text: out.text } : { format: 'chat', messages: out.messages };
			const reports = outcomes.map((o) =>
				toReport(names, o, (result) => ({ findings: (result.notes ?? []).map((note) => ({ ruleId: 'input', severity: 'info', message: note })), figures: result.figures }))
			);
			return { transformed, recorded, reports };
		})
	);
	const reports = results.map((r) => r.reports);
	return {
		prompts: results.map((r) => r.transformed),
		variables: results.map((r) => r.recorded),
		reports,
		failed: reports.flat().filter((r) => r.status !== 'ok')
	};
}

/** The workspace's template plugins (lintTemplate) on a version's content, for the model it names. */
export async function lintContent(plugins: EnabledPlugin[], content: DraftContent): Promise<PluginReport[]> {
	const names = namesOf(plugins);
	const modelId = content.parameters.modelType;
	const model = isModelId(modelId) ? { id: modelId, maxNewTokens: MODELS[modelId].limits.maxNewTokens } : { id: modelId };
	const outcomes = await lintTemplate(plugins, content, model);
	return outcomes.map((o) => toReport(names, o, (findings) => ({ findings })));
}
