// One upstream request to a model, owned by the server and shared by every run that asked for the
// same answer at once (single flight). It streams the request the run prepared, as prepared (the
// gateway never prepares it again). Runs subscribe and unsubscribe; the request is aborted only
// when its last subscriber leaves (cancels), so one user's cancel never stops another's run, and no
// viewer's socket is involved at all. A subscriber that joins late gets every token so far first.
import { ModelError, ModelStreamError, streamWithRetry, type ModelId, type PreparedRequest, type Usage, type WaitingInfo } from '../models';
import { logger } from '../logger';
import { generationSettings } from './settings';

export interface FlightResult {
	finishReason: string;
	usage?: Usage;
}

export interface FlightSubscriber {
	waiting(info: WaitingInfo): void;
	token(text: string): void;
	done(result: FlightResult): void;
	failed(error: ModelError): void;
}

type FlightState = { kind: 'streaming' } | { kind: 'done'; result: FlightResult } | { kind: 'failed'; error: ModelError };

export class Flight {
	readonly tokens: string[] = [];
	private state: FlightState = { kind: 'streaming' };
	private waitingInfo: WaitingInfo | null = null;
	private readonly subscribers = new Set<FlightSubscriber>();
	private readonly controller = new AbortController();
	/** Resolves when the upstream request is over, whichever way. */
	readonly settled: Promise<FlightState>;
	readonly model: ModelId;

	constructor(
		request: PreparedRequest,
		private readonly onSettled?: (flight: Flight, state: FlightState) => void
	) {
		this.model = request.model;
		this.settled = this.run(request);
	}

	get finished(): boolean {
		return this.state.kind !== 'streaming';
	}

	/** Adds a subscriber: it receives what has happened so far, synchronously, then the live rest. */
	subscribe(subscriber: FlightSubscriber): void {
		if (this.waitingInfo && this.tokens.length === 0) subscriber.waiting(this.waitingInfo);
		for (const token of this.tokens) subscriber.token(token);
		if (this.state.kind === 'done') return subscriber.done(this.state.result);
		if (this.state.kind === 'failed') return subscriber.failed(this.state.error);
		this.subscribers.add(subscriber);
	}

	/** Removes a subscriber; the last one to leave aborts the upstream request. */
	unsubscribe(subscriber: FlightSubscriber): void {
		this.subscribers.delete(subscriber);
		if (this.subscribers.size === 0 && !this.finished) this.controller.abort(new Error('every run left'));
	}

	/** Aborts the request whoever is subscribed (the studio is shutting down). */
	abort(reason: Error): void {
		this.controller.abort(reason);
	}

	private notify(call: (subscriber: FlightSubscriber) => void): void {
		for (const subscriber of [...this.subscribers]) {
			try {
				call(subscriber);
			} catch (error) {
				// One run's bookkeeping failing must not starve the others sharing the stream.
				logger.error({ err: error, model: this.model }, 'a run failed to take a model event');
			}
		}
	}

	private async run(request: PreparedRequest): Promise<FlightState> {
		const settings = generationSettings();
		try {
			const events = streamWithRetry(request, {
				signal: this.controller.signal,
				idleTimeoutMs: settings.idleTimeoutMs,
				maxRunMs: settings.maxRunMs,
				initialDelayMs: settings.wakeInitialDelayMs,
				maxDelayMs: settings.wakeMaxDelayMs,
				maxAttempts: settings.wakeMaxAttempts,
				onWaiting: (info) => {
					this.waitingInfo = info;
					this.notify((s) => s.waiting(info));
				}
			});
			for await (const event of events) {
				if (event.type === 'token') {
					this.tokens.push(event.text);
					this.notify((s) => s.token(event.text));
				} else {
					const result: FlightResult = { finishReason: event.finishReason, ...(event.usage ? { usage: event.usage } : {}) };
					this.state = { kind: 'done', result };
				}
			}
			if (this.state.kind !== 'done') throw new ModelStreamError('The model stream ended without a result.', this.tokens.join(''));
		} catch (caught) {
			const error =
				caught instanceof ModelError ? caught : new ModelStreamError(`The model call failed: ${caught instanceof Error ? caught.message : String(caught)}`, this.tokens.join(''));
			if (!(caught instanceof ModelError)) logger.error({ err: caught, model: this.model }, 'unexpected failure of a model stream');
			this.state = { kind: 'failed', error };
		}
		const state = this.state;
		if (state.kind === 'done') this.notify((s) => s.done(state.result));
		else if (state.kind === 'failed') this.notify((s) => s.failed(state.error));
		this.subscribers.clear();
		this.onSettled?.(this, state);
		return state;
	}
}
