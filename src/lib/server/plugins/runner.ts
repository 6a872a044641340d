// Runs plugin hooks in isolation: each call validates the plugin's config with its schema (here) and
// runs the hook in a worker thread (pool.ts) under a time budget; a worker whose hook passes its
// budget is terminated, so even a synchronous infinite loop only costs that call. A throw, a timeout
// or a bad config becomes a reported PluginFailure, never the caller's.
import type {
	AnalyseResult, EvaluationProblem, Finding, HookName, ModelInfo, PluginFailure, PluginInput, PluginOutcome,
	ScoreResult, StudioPlugin, TransformResult
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
	ctx: { output: string; model: ModelInfo; latencyMs?: number; input?: PluginInput }
): Promise<PluginOutcome<AnalyseResult>[]> {
	return Promise.all(using(plugins, 'analyseOutput').map((e) => callHook<AnalyseResult>(e, 'analyseOutput', (config) => ({ ...ctx, config }))));
}

export function scoreSample(plugins: EnabledPlugin[], output: string, problem: EvaluationProblem): Promise<PluginOutcome<ScoreResult>[]> {
	return Promise.all(using(plugins, 'scoreSample').map((e) => callHook<ScoreResult>(e, 'scoreSample', (config) => ({ output, problem, config }))));
}

/**
 * Transforms run in order, each on the previous one's output. A failed transform leaves the input as
 * it was and the chain goes on.
 */
export async function transformInput(
	plugins: EnabledPlugin[],
	input: PluginInput,
	variables: Record<string, string>
): Promise<{ input: PluginInput; outcomes: PluginOutcome<TransformResult>[] }> {
	const outcomes: PluginOutcome<TransformResult>[] = [];
	let current = input;
	for (const entry of using(plugins, 'transformInput')) {
		const outcome = await callHook<TransformResult>(entry, 'transformInput', (config) => ({ input: current, variables, config }));
		if (outcome.status === 'ok' && isInput(outcome.result?.input)) current = outcome.result.input;
		else if (outcome.status === 'ok') {
			outcomes.push({ pluginId: outcome.pluginId, hook: outcome.hook, status: 'error', message: 'returned no valid input' } satisfies PluginFailure);
			continue;
		}
		outcomes.push(outcome);
	}
	return { input: current, outcomes };
}

function isInput(value: unknown): value is PluginInput {
	const v = value as PluginInput | undefined;
	return (v?.kind === 'text' && typeof v.text === 'string') || (v?.kind === 'chat' && Array.isArray(v.messages));
}
