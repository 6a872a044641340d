// Runs in every integration worker before a test file: the environment the global set-up chose
// (DATABASE_URL of the run's own database, or DATA_DIR of the embedded one; Redis and its prefix).
// The app reads config() lazily from process.env, so setting it here is enough.
import { inject } from 'vitest';

const env = inject('testEnv');
const embedded = inject('testDatabase') === 'embedded';
if (embedded) delete process.env.DATABASE_URL;
Object.assign(process.env, env);

// Fixtures build their teams through the services, many workspaces, prompts and sessions for one
// owner (the authorization matrix makes a scratch workspace for each attempt): an account's hourly
// creation budget (creation-budget.ts) is not what they test, and studios started here inherit the
// same. creation-budget.test.ts starts its studio with small budgets of its own.
process.env.CREATE_WORKSPACES_PER_HOUR ??= '1000000';
process.env.CREATE_PROMPTS_PER_HOUR ??= '1000000';
process.env.OPEN_SESSIONS_PER_HOUR ??= '1000000';

// With the embedded engine every file runs in one worker and one module graph (isolate: false, see
// vitest.config.ts), so the process-wide settings a file changes for itself (configureGeneration,
// configureEvaluation, configureDrafts: a test model server's address, short timeouts, a gated
// store) would still hold in the next file. Each file starts from the settings as configured, as it
// does in a worker of its own: those the first file found, before any test changed them.
if (embedded) {
	const [generation, evaluation, drafts] = await Promise.all([
		import('$lib/server/generation/settings'),
		import('$lib/server/evaluation/settings'),
		import('$lib/server/drafts')
	]);
	type Configured = {
		generation: ReturnType<typeof generation.generationSettings>;
		evaluation: ReturnType<typeof evaluation.evaluationSettings>;
		drafts: ReturnType<typeof drafts.configureDrafts>;
	};
	const kept = globalThis as Record<symbol, Configured | undefined>;
	const CONFIGURED = Symbol.for('codetunestudio.test.configuredSettings');
	kept[CONFIGURED] ??= {
		generation: { ...generation.generationSettings() },
		evaluation: { ...evaluation.evaluationSettings() },
		drafts: { ...drafts.configureDrafts({}) }
	};
	const configured = kept[CONFIGURED];
	generation.configureGeneration(configured.generation);
	evaluation.configureEvaluation(configured.evaluation);
	drafts.configureDrafts(configured.drafts);
}
