// One model run as it happens on this instance: it takes tokens from a flight (a live upstream
// request, possibly shared) or from a cached answer, numbers them, announces them, logs them, and
// records the outcome once. Runs never belong to a socket: nobody leaving stops one.
import type { CacheOutcome, PluginReport, RunView } from '$lib/realtime/session-events';
import type { RunUsage } from '$lib/plugins';
import type { CachedAnswer } from '../cache';
import { logger } from '../logger';
import { observeRun } from '../metrics';
import type { ModelError, WaitingInfo } from '../models';
import type { Flight, FlightResult, FlightSubscriber } from './flight';
import { finishRunRow, type RunOriginKind, type RunOutcome } from './records';
import { activeRuns, runEvents } from './registry';
import { generationSettings } from './settings';
import { TokenLog } from './token-log';

/**
 * Reports on a finished output; never throws (each plugin is isolated), may be null. It is given the
 * run's own recorded counts and cost (`usage`), so that no report works out figures of its own.
 */
export type OutputAnalyser = (run: { model: string; output: string; latencyMs: number; usage: RunUsage }) => Promise<PluginReport[] | null>;

const REPLAY_BATCH = 64;

export class ActiveRun implements FlightSubscriber {
	private readonly startedAtMs = performance.now();
	private firstTokenMs: number | null = null;
	/** Every token so far, in order (token n has sequence number n + 1). */
	private readonly tokens: string[] = [];
	private readonly log: TokenLog;
	private flight: Flight | null = null;
	private settled = false;
	private readonly recorded: Promise<void>;
	private resolveDone!: () => void;
	private promptTokens: number | null = null;
	private completionTokens: number | null = null;

	/** The run's state but its text, which snapshot() builds from the tokens. */
	constructor(
		readonly view: RunView,
		/** Where it was started, for the metrics (execution_history.source holds it too). */
		private readonly origin: RunOriginKind = 'studio',
		/** The workspace's plugins on a succeeded run's output (their reports go with the run's end). */
		private readonly analyse: OutputAnalyser | null = null
	) {
		const settings = generationSettings();
		this.log = new TokenLog(view.executionId, settings.flushEveryTokens, settings.flushIntervalMs);
		this.recorded = new Promise((resolve) => (this.resolveDone = resolve));
		activeRuns().set(view.executionId, this);
	}

	get finished(): boolean {
		return this.settled;
	}

	/** Resolves once the outcome is recorded and announced. */
	whenFinished(): Promise<void> {
		return this.recorded;
	}

	/** Announced again (run:started with the outcome) before its first token, so "cached" shows at once. */
	setCacheOutcome(outcome: CacheOutcome): void {
		this.view.cacheOutcome = outcome;
		if (!this.settled) runEvents().emit('started', this.snapshot());
	}

	/** Takes its tokens from the flight (from its first token, whenever this run joined it). */
	follow(flight: Flight): void {
		if (this.settled) return;
		this.flight = flight;
		flight.subscribe(this);
	}

	/** Plays a cached answer back: as fast as the event loop allows, in small batches. */
	async replay(answer: CachedAnswer): Promise<void> {
		for (let i = 0; i < answer.tokens.length; i++) {
			if (this.settled) return;
			this.token(answer.tokens[i]!);
			if ((i + 1) % REPLAY_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
		}
		if (this.settled) return;
		this.promptTokens = answer.promptTokens;
		this.completionTokens = answer.completionTokens;
		this.settle('succeeded', { finishReason: answer.finishReason, error: null });
	}

	/** The run as participants see it now; its text is the tokens so far (kept once, as tokens). */
	snapshot(): RunView {
		return { ...this.view, text: this.tokens.join('') };
	}

	/** The tokens after `afterSeq`, from memory. */
	tokensAfter(afterSeq: number): { seq: number; text: string }[] {
		return this.tokens.slice(afterSeq).map((text, i) => ({ seq: afterSeq + i + 1, text }));
	}

	// ---- FlightSubscriber -----------------------------------------------------------------------

	waiting(info: WaitingInfo): void {
		if (this.settled) return;
		this.view.status = 'waiting';
		this.view.waitingMessage = info.message;
		runEvents().emit('waiting', {
			sessionId: this.view.sessionId,
			executionId: this.view.executionId,
			message: info.message,
			attempt: info.attempt,
			delaySeconds: info.delaySeconds
		});
	}

	token(text: string): void {
		if (this.settled) return;
		if (this.firstTokenMs === null) {
			this.firstTokenMs = performance.now();
			this.view.timeToFirstTokenMs = Math.round(this.firstTokenMs - this.startedAtMs);
		}
		this.view.status = 'running';
		this.view.waitingMessage = null;
		this.tokens.push(text);
		const seq = ++this.view.lastSeq;
		// Sockets first, the log right after: the log must never hold up the stream.
		runEvents().emit('token', { sessionId: this.view.sessionId, executionId: this.view.executionId, seq, text });
		this.log.append({ seq, text });
	}

	done(result: FlightResult): void {
		this.promptTokens = result.usage?.promptTokens ?? null;
		this.completionTokens = result.usage?.completionTokens ?? null;
		this.settle('succeeded', { finishReason: result.finishReason, error: null });
	}

	failed(error: ModelError): void {
		this.settle(error.kind === 'cancelled' ? 'cancelled' : 'failed', { finishReason: null, error: error.message });
	}

	// ---- ending -----------------------------------------------------------------------------

	/** Stops this run (its flight goes on for any other run sharing it). False when already over. */
	cancel(by: string | null): boolean {
		if (this.settled) return false;
		this.flight?.unsubscribe(this);
		this.settle('cancelled', { finishReason: null, error: by ? `Cancelled by ${by}.` : 'Cancelled.' });
		return true;
	}

	/** Ends the run as failed for a reason outside the model (the studio stopping, a setup error). */
	fail(message: string): boolean {
		if (this.settled) return false;
		this.flight?.unsubscribe(this);
		this.settle('failed', { finishReason: null, error: message });
		return true;
	}

	private settle(status: RunOutcome['status'], end: { finishReason: string | null; error: string | null }): void {
		if (this.settled) return;
		this.settled = true;
		void this.record(status, end).finally(() => {
			activeRuns().delete(this.view.executionId);
			this.resolveDone();
		});
	}

	private async record(status: RunOutcome['status'], end: { finishReason: string | null; error: string | null }): Promise<void> {
		const latencyMs = Math.round(performance.now() - this.startedAtMs);
		const hit = this.view.cacheOutcome === 'hit';
		const output = this.tokens.join('');
		const completionTokens = this.completionTokens ?? (this.view.lastSeq > 0 ? this.view.lastSeq : null);
		// A hit (stored or shared in flight) made no call of its own: it cost the GPU nothing.
		// The stand-in runs on this machine's CPU: no GPU hour to pay for.
		const free = hit ? 'cache' : this.view.standIn ? 'stand-in' : null;
		const costUsd = free ? 0 : (latencyMs / 3_600_000) * generationSettings().costPerHourUsd;
		const usage: RunUsage = { promptTokens: this.promptTokens, completionTokens, costUsd: Math.round(costUsd * 1e6) / 1e6, free };
		const plugins =
			status === 'succeeded' && this.analyse
				? await this.analyse({ model: this.view.model, output, latencyMs, usage }).catch((error: unknown) => {
						logger.error({ err: error, executionId: this.view.executionId }, 'analysing a run with plugins failed');
						return null;
					})
				: null;
		const outcome: RunOutcome = {
			status,
			output,
			error: end.error,
			finishReason: end.finishReason,
			timeToFirstTokenMs: this.view.timeToFirstTokenMs,
			latencyMs,
			promptTokens: this.promptTokens,
			completionTokens,
			cacheOutcome: this.view.cacheOutcome,
			// The figure the plugins were given: rounded as the row keeps it.
			costUsd: usage.costUsd,
			plugins
		};
		Object.assign(this.view, {
			status,
			waitingMessage: null,
			finishReason: outcome.finishReason,
			error: outcome.error,
			latencyMs,
			promptTokens: outcome.promptTokens,
			completionTokens: outcome.completionTokens,
			plugins
		});
		await this.log.flush();
		// The row is the run's record: a failed write is retried, and logged if it never lands.
		for (let attempt = 1; ; attempt++) {
			try {
				this.view.finishedAt = (await finishRunRow(this.view.executionId, outcome)).toISOString();
				break;
			} catch (error) {
				logger.error({ err: error, executionId: this.view.executionId, status, attempt }, 'recording the end of a run failed');
				if (attempt >= 4) {
					this.view.finishedAt = new Date().toISOString();
					break;
				}
				await new Promise((resolve) => setTimeout(resolve, 250 * 4 ** attempt));
			}
		}
		observeRun(this.snapshot(), this.origin, outcome.costUsd);
		runEvents().emit('finished', this.snapshot());
	}
}
