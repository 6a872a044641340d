// Starting an evaluation of a prompt version: which version, which model, which of the benchmarks the
// studio offers (by its id; empty: the shipped HumanEval), samples per problem (pass@k needs k of
// them), how many problems (empty: all), the sampling temperature and whether cached answers count.
import { z } from 'zod';
import { MODEL_IDS } from '$lib/models';
import { cacheModeSchema } from '$lib/realtime/session-events';

export const EVALUATION_LIMITS = { samplesPerProblem: 20, problems: 5000 } as const;

/** evaluation_runs.status (equal to Prisma's enum, checked in $lib/server/db/vocabulary.ts). */
export const evaluationStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type EvaluationStatus = z.infer<typeof evaluationStatusSchema>;

export const startEvaluationSchema = z.object({
	versionNumber: z.coerce.number({ error: 'Choose a version.' }).int().min(1, 'Choose a version.'),
	model: z.enum(MODEL_IDS, { error: 'Choose a model.' }),
	dataset: z.string().trim().max(200, 'Choose one of the benchmarks offered.').default(''),
	samplesPerProblem: z.coerce.number().int().min(1).max(EVALUATION_LIMITS.samplesPerProblem, `At most ${EVALUATION_LIMITS.samplesPerProblem} samples per problem.`).default(1),
	problemLimit: z.union([z.literal('').transform(() => undefined), z.coerce.number().int().min(1).max(EVALUATION_LIMITS.problems)]).optional(),
	temperature: z.coerce.number().min(0).max(2).default(0),
	/** auto: a deterministic sample (temperature 0) may be answered from model_cache; never: always ask the model. */
	cacheMode: cacheModeSchema.default('auto')
});
export type StartEvaluationInput = z.infer<typeof startEvaluationSchema>;
