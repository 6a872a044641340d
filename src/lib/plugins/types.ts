// The plugin interface: a manifest and optional lifecycle hooks around a small core (the server's
// plugins/runner.ts), shaped like Hocuspocus extensions. Every result is plain JSON of the shapes
// below (findings and labelled figures), stored in plugin_results and rendered by the studio as rows:
// a plugin never hands the page JSON to show.
import type { z } from 'zod';
import type { DraftContent } from '$lib/prompt-doc';

export type HookName = 'lintTemplate' | 'transformInput' | 'analyseOutput' | 'scoreSample';
export const HOOK_NAMES: readonly HookName[] = ['lintTemplate', 'transformInput', 'analyseOutput', 'scoreSample'];

export interface PluginManifest<Config = unknown> {
	id: string;
	name: string;
	version: string;
	description: string;
	hooks: HookName[];
	/** zod schema with defaults: `schema.parse({})` must give the default configuration. */
	configSchema: z.ZodType<Config>;
	/** Per-hook time budget in ms; clamped by the runner to MAX_BUDGET_MS. */
	timeBudgetMs?: number;
}

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES = ['error', 'warning', 'info'] as const satisfies readonly Severity[];

/** A piece of the output a finding is about (a code block, the offending line), shown folded under it. */
export interface CodeExcerpt {
	code: string;
	/** The code's language when known (python, javascript, shell…). */
	language?: string;
}

export interface Finding {
	ruleId: string;
	severity: Severity;
	message: string;
	/** Where: a part of the prompt (system, template, example 2) or a 1-based line of an output. */
	location?: { part?: string; line?: number };
	excerpt?: CodeExcerpt;
}

/** What a figure counts; the studio writes each unit one way everywhere (1,024 tokens, $0.0030 or free, 6.9 s). */
export type FigureUnit = 'tokens' | 'usd' | 'ms' | 'count';
export const FIGURE_UNITS = ['tokens', 'usd', 'ms', 'count'] as const satisfies readonly FigureUnit[];

/** One labelled figure of a report ("Prompt tokens": 310 tokens); null when it is not known. */
export interface Figure {
	label: string;
	value: number | null;
	unit: FigureUnit;
	/** A few words on where it comes from ("counted by the model", "estimated"). */
	note?: string;
}

/**
 * What the run itself recorded once it ended: the token counts the model reported and the cost the
 * studio charged (execution_history). Plugins read these rather than work out their own, so a
 * report and the run's page say the same.
 */
export interface RunUsage {
	/** Null when the model reported no count. */
	promptTokens: number | null;
	completionTokens: number | null;
	costUsd: number;
	/** Why it cost nothing, when it did: answered from the cache, or by the local stand-in model. */
	free: 'cache' | 'stand-in' | null;
}

export interface ModelInfo {
	id: string;
	/** Context window in tokens (prompt + completion). */
	contextTokens?: number;
	maxNewTokens?: number;
}

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };
export type PluginInput = { kind: 'text'; text: string } | { kind: 'chat'; messages: ChatMessage[] };

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface LintContext<C> { content: DraftContent; model: ModelInfo; config: C }
export interface TransformContext<C> { input: PluginInput; variables: Record<string, string>; config: C }
/**
 * `variables`: the run's variables as the transformed input uses them (a redactor's placeholders in
 * place of the values): what the studio records for the run instead of the values it was given.
 */
export interface TransformResult { input: PluginInput; notes: string[]; variables?: Record<string, string>; figures?: Figure[] }
export interface AnalyseContext<C> { output: string; model: ModelInfo; latencyMs?: number; input?: PluginInput; usage?: RunUsage; config: C }
export interface AnalyseResult { findings: Finding[]; figures?: Figure[] }
export interface EvaluationProblem { taskId: string; prompt: string; entryPoint: string }
export interface ScoreContext<C> { output: string; problem: EvaluationProblem; config: C }
export interface ScoreResult { code: string; score?: number; notes: string[] }

type MaybePromise<T> = T | Promise<T>;

export interface StudioPlugin<C = any> {
	manifest: PluginManifest<C>;
	lintTemplate?(ctx: LintContext<C>): MaybePromise<Finding[]>;
	transformInput?(ctx: TransformContext<C>): MaybePromise<TransformResult>;
	analyseOutput?(ctx: AnalyseContext<C>): MaybePromise<AnalyseResult>;
	scoreSample?(ctx: ScoreContext<C>): MaybePromise<ScoreResult>;
}

/** Helper so a plugin file gets its config type inferred from its schema. */
export function definePlugin<S extends z.ZodType>(plugin: StudioPlugin<z.output<S>> & { manifest: { configSchema: S } }): StudioPlugin<z.output<S>> {
	return plugin;
}

export interface PluginFailure { pluginId: string; hook: HookName; status: 'error' | 'timeout' | 'bad-config'; message: string }
export interface PluginOk<R> { pluginId: string; hook: HookName; status: 'ok'; result: R; ms: number }
export type PluginOutcome<R> = PluginOk<R> | PluginFailure;
