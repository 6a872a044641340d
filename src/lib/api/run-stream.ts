// The prompt API's run endpoint: its request and the server-sent events it streams, declared once
// for the server, the OpenAPI document and any client (the tests parse the stream with these).
// Each event is `event: <name>` + `data: <JSON>`; the stream always ends with exactly one `done`.
import { z } from 'zod';
import { MODEL_IDS } from '$lib/models';
import { labelNameSchema } from '$lib/schemas/versions';
import { cacheModeSchema, runParametersSchema, variablesSchema } from '$lib/realtime/session-events';
import { cacheOutcomeSchema, finishedRunStatusSchema } from '$lib/schemas/runs';

export const apiRunRequestSchema = z
	.object({
		label: labelNameSchema.optional().describe('Run the version with this label (default: production, else the newest version).'),
		version: z.number().int().min(1).max(1_000_000).optional().describe('Run this version number instead of a label.'),
		variables: variablesSchema.default({}).describe("Values for the template's {{variables}}; a missing one is a 400 missing_variables."),
		model: z.enum(MODEL_IDS).optional().describe("The model to run on (default: the version's own model, else whiterabbitneo)."),
		parameters: runParametersSchema.default({}).describe("Overrides of the version's parameters, clamped to the model's limits."),
		cacheMode: cacheModeSchema
			.default('auto')
			.describe('auto: answer from model_cache only for deterministic runs (temperature 0 or a seed); always; never.'),
		stream: z.boolean().default(true).describe('true: text/event-stream of started, waiting, token and done events; false: one JSON body when the run ends.')
	})
	.strict()
	.refine((q) => !(q.label && q.version), 'Ask for a label or a version, not both.');
export type ApiRunRequest = z.infer<typeof apiRunRequestSchema>;

/** Every event of the stream, by its `event:` name. */
export const apiRunEventSchemas = {
	/** First event: the run is recorded (execution_history id) and going. */
	started: z.object({
		executionId: z.uuid(),
		model: z.enum(MODEL_IDS),
		standIn: z.string().nullable().describe('The local stand-in model that answers when the model has no endpoint; null otherwise.'),
		prompt: z.string(),
		version: z.number().int()
	}),
	/** The model is waking up (a sleeping Space): the run retries by itself. */
	waiting: z.object({ message: z.string(), attempt: z.number().int(), delaySeconds: z.number() }),
	/** Tokens in order: seq 1, 2, 3…, no gaps. */
	token: z.object({ seq: z.number().int().min(1), text: z.string() }),
	/** Last event: how the run ended, with its whole text. */
	done: z.object({
		executionId: z.uuid(),
		status: finishedRunStatusSchema,
		text: z.string(),
		finishReason: z.string().nullable(),
		error: z.string().nullable(),
		cacheOutcome: cacheOutcomeSchema.nullable(),
		timeToFirstTokenMs: z.number().nullable(),
		latencyMs: z.number().nullable(),
		promptTokens: z.number().nullable(),
		completionTokens: z.number().nullable()
	})
} as const;
export type ApiRunEventName = keyof typeof apiRunEventSchemas;
export type ApiRunEvent<E extends ApiRunEventName = ApiRunEventName> = { [K in E]: { event: K; data: z.infer<(typeof apiRunEventSchemas)[K]> } }[E];
/** With `stream: false`, the body is the `done` event's data. */
export type ApiRunResult = z.infer<(typeof apiRunEventSchemas)['done']>;

/** One event as it goes on the wire. */
export function formatSseEvent(event: ApiRunEvent): string {
	return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
