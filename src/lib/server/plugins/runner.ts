// Runs plugin hooks in isolation: each call validates the plugin's config with its schema (here) and
// runs the hook in a worker thread (pool.ts) under a time budget; a worker whose hook passes its
// budget is terminated, so even a synchronous infinite loop only costs that call. A throw, a timeout
// or a bad config becomes a reported PluginFailure, never the caller's.
import type {
	AnalyseResult, EvaluationProblem, Finding, HookName, ModelInfo, PluginFailure, PluginInput, PluginOutcome,
	RunUsage, ScoreResult, StudioPlugin, TransformResult
} from '$lib/plugins';
import type { DraftContent } from '$lib/prompt-doc';
import { pluginPool } from './pool';
import { getPlugin } from './registry';
import type { PluginRef } from './worker';

export const DEFAULT_BUDGET_MS = 200;
export const MAX_BUDGET_MS = 5_000;

/** Workspace settings for one plugin: enabled plugins only are passed to the runner. */
export interface EnabledPlugin { plugin: StudioPlugin; config?: unknown }

function budgetOf(plugin: StudioPlugin): number {
	const wanted = plugin.manifest.timeBudgetMs ?? DEFAULT_BUDGET_MS;
	return Math.min(Math.max(1, wanted), MAX_BUDGET_MS);
}

async function callHook<R>(entry: EnabledPlugin, hook: HookName, makeCtx: (config: unknown) => object): Promise<PluginOutcome<R>> {
	const { plugin } = entry;
	const pluginId = plugin.manifest.id;
	const parsed = plugin.manifest.configSchema.safeParse(entry.config ?? {});
	if (!parsed.success) {
		const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
		return { pluginId, hook, status: 'bad-config', message: issues };
	}
	const fn = plugin[hook];
	if (typeof fn !== 'function') return { pluginId, hook, status: 'error', message: `${pluginId} has no ${hook} hook` };
	const budget = budgetOf(plugin);
	const started = performance.now();
	const answer = await pluginPool.run(refOf(plugin), hook, makeCtx(parsed.data), budget);
	switch (answer.status) {
		case 'timeout':
			return { pluginId, hook, status: 'timeout', message: `${pluginId}.${hook} ran past its ${budget} ms budget` };
		case 'failed':
			return { pluginId, hook, status: 'error', message: answer.message };
		case 'done':
			// The worker sent the result as JSON (results are stored as JSONB).
			return { pluginId, hook, status: 'ok', result: JSON.parse(answer.json) as R, ms: Math.round(performance.now() - started) };
	}
}

/**
 * How the worker finds the plugin: by id when it is the registry's (the built-ins), else by its hooks'
 * source (a plugin object made in a test; its hooks must not use anything outside themselves).
 */
function refOf(plugin: StudioPlugin): PluginRef {
	if (getPlugin(plugin.manifest.id) === plugin) return { kind: 'registered', id: plugin.manifest.id };
	const hooks: Partial<Record<HookName, string>> = {};
	for (const hook of plugin.manifest.hooks) {
		const fn = plugin[hook];
		if (typeof fn === 'function') hooks[hook] = fn.toString();
	}
	return { kind: 'source', hooks };
}

const using = (plugins: EnabledPlugin[], hook: HookName) => plugins.filter((e) => e.plugin.manifest.hooks.includes(hook));

export function lintTemplate(plugins: EnabledPlugin[], content: DraftContent, model: ModelInfo): Promise<PluginOutcome<Finding[]>[]> {
	return Promise.all(using(plugins, 'lintTemplate').map((e) => callHook<Finding[]>(e, 'lintTemplate', (config) => ({ content, model, config }))));
}

export function analyseOutput(
	plugins: EnabledPlugin[],
	ctx: { output: string; model: ModelInfo; latencyMs?: number; input?: PluginInput; usage?: RunUsage }
): Promise<PluginOutcome<AnalyseResult>[]> {
	return Promise.all(using(plugins, 'analyseOutput').map((e) => callHook<AnalyseResult>(e, 'analyseOutput', (config) => ({ ...ctx, config }))));
}

export function scoreSample(plugins: EnabledPlugin[], output: string, problem: EvaluationProblem): Promise<PluginOutcome<ScoreResult>[]> {
	return Promise.all(using(plugins, 'scoreSample').map((e) => callHook<ScoreResult>(e, 'scoreSample', (config) => ({ output, problem, config }))));
}

/**
 * Transforms run in order, each on the previous one's output (input and variables). A failed
 * transform leaves both as they were and the chain goes on; the caller decides whether a run may go
 * ahead without it.
 */
export async function transformInput(
	plugins: EnabledPlugin[],
	input: PluginInput,
	variables: Record<string, string>
): Promise<{ input: PluginInput; variables: Record<string, string>; outcomes: PluginOutcome<TransformResult>[] }> {
	const outcomes: PluginOutcome<TransformResult>[] = [];
	let current = input;
	let currentVariables = variables;
	for (const entry of using(plugins, 'transformInput')) {
		const outcome = await callHook<TransformResult>(entry, 'transformInput', (config) => ({ input: current, variables: currentVariables, config }));
		if (outcome.status === 'ok') {
			// What came back is JSON from a worker: checked here, whatever its type says.
			const result = outcome.result as Partial<TransformResult> | null | undefined;
			const next = result?.input;
			const nextVariables = result?.variables;
			// A plugin that says nothing of the variables leaves them as they were.
			const why = !isInput(next) ? 'returned no valid input' : nextVariables !== undefined && !isStringRecord(nextVariables, currentVariables) ? 'returned variables that do not match the run’s' : null;
			if (why) {
				outcomes.push({ pluginId: outcome.pluginId, hook: outcome.hook, status: 'error', message: why } satisfies PluginFailure);
				continue;
			}
			current = next as PluginInput;
			if (nextVariables !== undefined) currentVariables = nextVariables as Record<string, string>;
		}
		outcomes.push(outcome);
	}
	return { input: current, variables: currentVariables, outcomes };
}

/** The same names as before, each with a text: a transform may change values, never add or drop one. */
function isStringRecord(value: unknown, before: Record<string, string>): value is Record<string, string> {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const entries = Object.entries(value);
	return entries.length === Object.keys(before).length && entries.every(([name, text]) => typeof text === 'string' && Object.hasOwn(before, name));
}

function isInput(value: unknown): value is PluginInput {
	const v = value as PluginInput | undefined;
	return (v?.kind === 'text' && typeof v.text === 'string') || (v?.kind === 'chat' && Array.isArray(v.messages));
}
