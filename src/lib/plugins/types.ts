// The plugin interface: a manifest and optional lifecycle hooks around a small core (the server's
// plugins/runner.ts), shaped like Hocuspocus extensions. Every result is plain JSON, stored in
// plugin_results and shown as is.
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
export interface Finding {
	ruleId: string;
	severity: Severity;
	message: string;
	/** Where: a part of the prompt (system, template, example 2) or a 1-based line of an output. */
	location?: { part?: string; line?: number };
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
export interface TransformResult { input: PluginInput; notes: string[]; metrics?: Record<string, number> }
export interface AnalyseContext<C> { output: string; model: ModelInfo; latencyMs?: number; input?: PluginInput; config: C }
export interface AnalyseResult { findings: Finding[]; metrics?: Record<string, Json> }
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
