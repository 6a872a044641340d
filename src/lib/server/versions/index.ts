// Versions, labels, review, diff and rollback of a prompt: the public surface for routes, realtime/
// and the REST API. Every rule (who may commit, numbering, protected production, verdicts) lives
// behind these functions, so each caller obeys the same ones.
export { canChangeVersions, type PromptRef } from './access';
export { commitDraft, restoreVersion, type CommitResult, type RestoreResult } from './commit';
export { commentOnReview, commentOnVersion, versionComments, type CommentAnchor, type CommentEntry } from './comments';
export { compare, draftStatus, type ComparedSide, type DraftStatus } from './compare';
export { canonicalJson, contentHash, fromColumns } from './content';
export {
	DIFF_FIELDS,
	FIELD_TITLES,
	diffContents,
	diffText,
	type DiffCell,
	type DiffField,
	type DiffOptions,
	type FieldDiff,
	type InlineRow,
	type PromptDiff,
	type Segment,
	type SplitRow
} from './diff';
export { countVersions, getVersion, latestCommitted, listVersions, versionByNumber, type VersionDetail, type VersionSummary } from './history';
export { versionsOverview, type VersionsOverview } from './overview';
export {
	isProductionProtected,
	listLabelMoves,
	listLabels,
	moveLabel,
	setProductionProtection,
	type LabelMoveEntry,
	type LabelState
} from './labels';
export { getReview, type ReviewDetail } from './review-detail';
export {
	closeReview,
	decideReview,
	listReviews,
	mergeReview,
	proposeReview,
	type ReviewStatus,
	type ReviewSummary,
	type ReviewVerdict,
	type Verdict
} from './reviews';
