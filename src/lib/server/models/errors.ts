// How a model run fails, typed, so the session and history can show a clear reason and keep the
// partial output. None of these is a bug: the gateway turns every failure of the endpoint into one.
export abstract class ModelError extends Error {
	abstract readonly kind: 'not-configured' | 'input' | 'loading' | 'request' | 'stream' | 'timeout' | 'cancelled';
	/** Text that had arrived before the failure ('' when none). */
	partialOutput = '';
}

/** No endpoint is configured for the model. */
export class ModelNotConfiguredError extends ModelError {
	readonly kind = 'not-configured';
	name = 'ModelNotConfiguredError';
}

/** The prompt cannot be rendered (a missing variable, a malformed template): nothing was sent. */
export class ModelInputError extends ModelError {
	readonly kind = 'input';
	name = 'ModelInputError';
	constructor(
		message: string,
		readonly missing: string[] = []
	) {
		super(message);
	}
}

/** The endpoint is asleep or waking: a 503 "loading" answer or a refused connection. Retried. */
export class ModelLoadingError extends ModelError {
	readonly kind = 'loading';
	name = 'ModelLoadingError';
	constructor(
		message: string,
		/** Seconds the server estimated, when it said. */
		readonly estimatedTime?: number,
		/** What the server said it is doing, when it said more than "loading" (a Space downloading its
		 * weights on a cold start, say), bounded and in one line. */
		readonly detail?: string
	) {
		super(message);
	}
}

/** The endpoint refused the request (4xx, or a 5xx other than loading), with the server's message. */
export class ModelRequestError extends ModelError {
	readonly kind = 'request';
	name = 'ModelRequestError';
	constructor(
		readonly status: number,
		message: string
	) {
		super(message);
	}
}

/** The stream broke: malformed data, an error event, or the endpoint went away mid-stream. */
export class ModelStreamError extends ModelError {
	readonly kind = 'stream';
	name = 'ModelStreamError';
	constructor(message: string, partialOutput: string) {
		super(message);
		this.partialOutput = partialOutput;
	}
}

/** No data from the endpoint for longer than the run's timeout. */
export class ModelTimeoutError extends ModelError {
	readonly kind = 'timeout';
	name = 'ModelTimeoutError';
	constructor(message: string, partialOutput: string) {
		super(message);
		this.partialOutput = partialOutput;
	}
}

/** The caller aborted the run (cancel); the upstream request was aborted with it. */
export class ModelCancelledError extends ModelError {
	readonly kind = 'cancelled';
	name = 'ModelCancelledError';
	constructor(partialOutput: string) {
		super('The run was cancelled.');
		this.partialOutput = partialOutput;
	}
}
