// The words the database's enums spell are declared once, as zod enums in the shared modules that the
// wire and the pages import; these types make `svelte-check` fail the day a migration and a
// declaration disagree (a value added, removed or renamed on either side).
import type { EvaluationStatus, ReviewStatus, ReviewVerdict, Role, RunSource, RunStatus, CacheMode, CacheOutcome } from './generated/enums';
import type * as evaluation from '$lib/schemas/evaluation';
import type * as runs from '$lib/schemas/runs';
import type * as versions from '$lib/schemas/versions';
import type * as workspace from '$lib/schemas/workspace';

/** true when A and B are the same set of values, false otherwise (no distribution over unions). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

export type VocabularyMatchesTheDatabase = [
	Holds<Same<runs.RunStatus, RunStatus>>,
	Holds<Same<runs.RunOriginKind, RunSource>>,
	Holds<Same<runs.CacheOutcome, CacheOutcome>>,
	Holds<Same<runs.CacheMode, CacheMode>>,
	Holds<Same<evaluation.EvaluationStatus, EvaluationStatus>>,
	Holds<Same<versions.ReviewStatus, ReviewStatus>>,
	Holds<Same<versions.ReviewVerdict, ReviewVerdict>>,
	Holds<Same<workspace.Role, Role>>
];
