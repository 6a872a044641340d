// The socket.io wire of generation sessions, declared once for the hub (realtime/hub) and the
// session page: every event each side may send, its payload's runtime schema (the hub validates
// every incoming event with it) and the TypeScript types socket.io's generics check both ends with.
import { z } from 'zod';
import { modelIdSchema, type ModelId } from '$lib/models';
import type { PluginReport } from '$lib/plugins/report';
import { cacheModeSchema, finishedRunStatusSchema, type CacheMode, type CacheOutcome, type FinishedRunStatus, type RunStatus } from '$lib/schemas/runs';

export { cacheModeSchema, type CacheMode, type CacheOutcome };

/** socket.io's path on the app's own HTTP server (its default, said once here for both ends). */
export const SESSION_SOCKET_PATH = '/socket.io/';

export const SESSION_LIMITS = {
	variables: 50,
	variableName: 100,
	variableValue: 20_000,
	stopSequences: 4,
	stopLength: 64,
	/** Runs a participant receives on joining, newest first (older ones are on the history page). */
	runsInSnapshot: 20,
	/** Participants named in a presence event; a bigger crowd is counted in `total`, not listed. */
	presenceListed: 100,
	/** Largest event the hub reads (socket.io's maxHttpBufferSize); a bigger one closes the socket. */
	maxEventBytes: 1_000_000,
	/** Events one socket may send per window, whatever they are; more are refused as rate-limited
	 * (run starts also have their own per-user limit). */
	eventsPerWindow: 60,
	eventWindowSeconds: 10,
	/** Of those, the variable changes one socket may send per window: typing can never spend the
	 * budget a Run or a Cancel needs. The page sends at most one change every variableSendMs. */
	variableChangesPerWindow: 30,
	variableSendMs: 400
} as const;

const id = z.uuid();

/**
 * Text a run stores (its variables, its stop sequences): PostgreSQL holds no NUL character and no
 * unpaired surrogate, both of which JSON can carry, so they are refused here rather than by the
 * database with a failure.
 */
const storedText = z.string().refine((text) => text.isWellFormed() && !text.includes('\u0000'), 'Text may not hold a NUL character or an unpaired surrogate.');

/** A run's state as participants see it; `waiting` is a running run whose model is waking up. */
export type LiveRunStatus = 'waiting' | RunStatus;
export const FINISHED_STATUSES: ReadonlySet<LiveRunStatus> = new Set<FinishedRunStatus>(finishedRunStatusSchema.options);

/** Parameters chosen for a run, over the version's own; the server clamps them to each model's limits. */
export const runParametersSchema = z
	.object({
		maxTokens: z.number().int().min(1).max(8192).optional().describe('Max new tokens: the most tokens the model writes for this run.'),
		temperature: z.number().min(0).max(2).optional(),
		topP: z.number().gt(0).max(1).optional(),
		seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
		stop: z.array(storedText.min(1).max(SESSION_LIMITS.stopLength)).max(SESSION_LIMITS.stopSequences).optional()
	})
	.strict();
export type RunParameters = z.infer<typeof runParametersSchema>;

/** What is run: a committed version (by number) or the prompt's live draft as it is now. */
export const runSourceSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('version'), versionNumber: z.number().int().min(1) }),
	z.object({ kind: z.literal('draft') })
]);
export type RunSource = z.infer<typeof runSourceSchema>;

export const variablesSchema = z
	.record(storedText.min(1).max(SESSION_LIMITS.variableName), storedText.max(SESSION_LIMITS.variableValue))
	.refine((v) => Object.keys(v).length <= SESSION_LIMITS.variables, `At most ${SESSION_LIMITS.variables} variables.`)
	// A refine is invisible to JSON Schema: the prompt API's OpenAPI document shows the limit from this.
	.meta({ maxProperties: SESSION_LIMITS.variables });

const variableName = storedText.min(1).max(SESSION_LIMITS.variableName);

/**
 * A session's variable values as its editors type them: only what changed, each name with its whole
 * new value ('' clears it). The bounds are the run's (a value that can be shared can be run), and
 * each refusal names the variable in words a person reads.
 */
export const variableChangesSchema = z
	.object({ sessionId: id, values: z.record(variableName, storedText) })
	.superRefine(({ values }, context) => {
		const names = Object.keys(values);
		if (names.length > SESSION_LIMITS.variables) {
			context.addIssue({ code: 'custom', message: `A session keeps at most ${SESSION_LIMITS.variables} variables.`, path: [] });
		}
		for (const name of names) {
			const length = values[name]!.length;
			if (length > SESSION_LIMITS.variableValue) {
				context.addIssue({ code: 'custom', path: [], message: tooLongMessage(name, length) });
				return;
			}
		}
	});
export type VariableChanges = z.infer<typeof variableChangesSchema>;

/** What a value past the bound is told, on the page before sending and by the hub after. */
export function tooLongMessage(name: string, length: number): string {
	const max = SESSION_LIMITS.variableValue.toLocaleString('en');
	return `${name} is ${length.toLocaleString('en')} characters long; a value may be at most ${max}. It stays here and is not shared until it is shorter.`;
}

/**
 * The values a session's editors typed, kept by the server; `revision` grows with every change, so
 * a change that arrives late (through another instance) never overwrites a newer one.
 */
export interface SessionVariables {
	values: Record<string, string>;
	revision: number;
}

export const startRunSchema = z.object({
	sessionId: id,
	source: runSourceSchema,
	variables: variablesSchema.default({}),
	models: z
		.array(modelIdSchema)
		.min(1, 'Pick at least one model.')
		.max(2)
		.refine((models) => new Set(models).size === models.length, 'Each model once.'),
	parameters: runParametersSchema.default({}),
	cacheMode: cacheModeSchema.default('auto')
});
export type StartRunRequest = z.infer<typeof startRunSchema>;

/** Every client → server event's payload schema; the hub refuses anything else. */
export const clientEventSchemas = {
	'session:join': z.object({ sessionId: id }),
	'session:leave': z.object({ sessionId: id }),
	'run:start': startRunSchema,
	/** Cancels every run of the group that is still going (both models of one start). */
	'run:cancel': z.object({ sessionId: id, groupId: id }),
	/** Tokens of a run after `afterSeq`: a client that saw a gap in sequence numbers fills it. */
	'run:resync': z.object({ sessionId: id, executionId: id, afterSeq: z.number().int().min(0) }),
	/** Variable values typed by an editor or owner; everyone in the session sees them. */
	'variables:set': variableChangesSchema
} as const;
export type ClientEventName = keyof typeof clientEventSchemas;
export type ClientPayload<E extends ClientEventName> = z.input<(typeof clientEventSchemas)[E]>;

// ---- what the server sends --------------------------------------------------------------------

export type SessionErrorCode =
	| 'invalid'
	| 'unauthorized'
	| 'forbidden'
	| 'not-found'
	| 'rate-limited'
	| 'not-configured'
	| 'conflict'
	| 'internal';

export interface SessionError {
	code: SessionErrorCode;
	message: string;
	/** The client event that was refused, when the error answers one. */
	event?: string;
	retryAfterSeconds?: number;
}

/** Every client event may take an acknowledgement callback; it gets one of these. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: SessionError };

export interface Participant {
	userId: string;
	username: string;
	role: 'owner' | 'editor' | 'viewer';
	/** Open tabs or devices of this user in the session. */
	connections: number;
}

/** What one enabled plugin said about a run's output: its one definition is $lib/plugins/report. */
export type { PluginReport };

export interface RunView {
	executionId: string;
	/** Runs started together (both models of one start) share a group; cancel acts on a group. */
	groupId: string;
	/** Null for a run started through the prompt API: it belongs to no session and reaches no room. */
	sessionId: string | null;
	model: ModelId;
	/** The embedded model that ran in the model's place (it has no endpoint): the page says
	 * "local stand-in model" on such an output. Null when the model's own endpoint served it. */
	standIn: string | null;
	status: LiveRunStatus;
	startedBy: string | null;
	startedAt: string;
	finishedAt: string | null;
	source: RunSource;
	cacheMode: CacheMode;
	cacheOutcome: CacheOutcome | null;
	/** "Waking WhiteRabbitNeo-33B, ~20 s" while the model loads; null otherwise. */
	waitingMessage: string | null;
	/** Everything streamed so far (all of it once finished) and the sequence number of its last token. */
	text: string;
	lastSeq: number;
	finishReason: string | null;
	error: string | null;
	timeToFirstTokenMs: number | null;
	latencyMs: number | null;
	promptTokens: number | null;
	completionTokens: number | null;
	rating: number | null;
	/** The workspace's enabled plugins on the finished output; null until the run has ended (or none enabled). */
	plugins: PluginReport[] | null;
}

export interface SessionSnapshot {
	sessionId: string;
	participants: Participant[];
	/** People in the session, listed or not. */
	participantTotal: number;
	/** Newest first, at most SESSION_LIMITS.runsInSnapshot. */
	runs: RunView[];
	/** Whether this participant may run and cancel (editors and owners). */
	canRun: boolean;
	/** Models with no endpoint, each with what to set to add one. */
	notConfigured: Partial<Record<ModelId, string>>;
	/** Models with no endpoint that run on the embedded stand-in model, each with its id. */
	standIns: Partial<Record<ModelId, string>>;
	/** The variable values the session's editors typed, as the server keeps them now; null when they
	 * could not be read at this moment (the page keeps what it shows and reads them at its next join). */
	variables: SessionVariables | null;
}

/** Variable values one participant changed (only those), and the session's revision after the change. */
export interface VariablesChangedEvent {
	sessionId: string;
	values: Record<string, string>;
	revision: number;
	/** Who typed them. */
	by: string;
}

export interface TokenEvent {
	/** Null for a prompt API run (see RunView.sessionId); the hub forwards only session runs. */
	sessionId: string | null;
	executionId: string;
	/** 1 for a run's first token, then consecutive: a client that sees a gap asks run:resync. */
	seq: number;
	text: string;
}

export interface WaitingEvent {
	sessionId: string | null;
	executionId: string;
	message: string;
	attempt: number;
	delaySeconds: number;
}

export interface ResyncResult {
	executionId: string;
	tokens: { seq: number; text: string }[];
}

export interface ServerToClientEvents {
	/** Who is here: at most SESSION_LIMITS.presenceListed named (editors first), `total` people in all. */
	'session:presence': (payload: { sessionId: string; participants: Participant[]; total: number }) => void;
	/** A run began; sent again, before its first token, once the cache decided (cacheOutcome set). */
	'run:started': (payload: { run: RunView }) => void;
	'run:waiting': (payload: WaitingEvent) => void;
	'run:tokens': (payload: TokenEvent) => void;
	/** The run's final view, its whole text included. */
	'run:finished': (payload: { run: RunView }) => void;
	/** Someone changed variable values; the sender's own socket is not told (its other tabs are). */
	'variables:changed': (payload: VariablesChangedEvent) => void;
	/** An event was refused and the client gave no acknowledgement callback to say it through. */
	'session:error': (payload: SessionError) => void;
	/**
	 * Events from other instances may have been lost (their link through Redis broke and is back):
	 * join each session again for a fresh snapshot.
	 */
	'session:refresh': (payload: { reason: string }) => void;
}

export interface ClientToServerEvents {
	'session:join': (payload: ClientPayload<'session:join'>, ack?: (result: Ack<SessionSnapshot>) => void) => void;
	'session:leave': (payload: ClientPayload<'session:leave'>, ack?: (result: Ack<null>) => void) => void;
	'run:start': (payload: ClientPayload<'run:start'>, ack?: (result: Ack<{ groupId: string; runs: RunView[] }>) => void) => void;
	'run:cancel': (payload: ClientPayload<'run:cancel'>, ack?: (result: Ack<{ cancelled: number }>) => void) => void;
	'run:resync': (payload: ClientPayload<'run:resync'>, ack?: (result: Ack<ResyncResult>) => void) => void;
	'variables:set': (payload: ClientPayload<'variables:set'>, ack?: (result: Ack<{ revision: number }>) => void) => void;
}

/** The socket.io room of a session: every participant's sockets join it. */
export function sessionRoom(sessionId: string): string {
	return `session:${sessionId}`;
}

/** Tokens per second of a finished or running run, from its first token on; null before two tokens. */
export function tokensPerSecond(run: Pick<RunView, 'lastSeq' | 'timeToFirstTokenMs' | 'latencyMs'>, elapsedMs?: number): number | null {
	const total = run.latencyMs ?? elapsedMs;
	if (run.lastSeq < 2 || run.timeToFirstTokenMs === null || total === undefined) return null;
	const streamingMs = total - run.timeToFirstTokenMs;
	return streamingMs > 0 ? ((run.lastSeq - 1) * 1000) / streamingMs : null;
}
