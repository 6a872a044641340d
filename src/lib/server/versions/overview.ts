// What the history page shows in one call: versions, labels and their move log, the live draft's
// state against the newest version (what the reader may do is the page's `can`).
import type { Member } from '../workspaces';
import type { PromptRef } from './access';
import { draftStatus, type DraftStatus } from './compare';
import { listVersions, type VersionSummary } from './history';
import { isProductionProtected, listLabelMoves, listLabels, type LabelMoveEntry, type LabelState } from './labels';
import { isActive, listReviews } from './reviews';

export interface VersionsOverview {
	prompt: PromptRef;
	versions: VersionSummary[];
	labels: LabelState[];
	moves: LabelMoveEntry[];
	draft: DraftStatus;
	protectProduction: boolean;
	openReviews: number;
}

export async function versionsOverview(member: Member, slug: string): Promise<VersionsOverview> {
	const { prompt, versions } = await listVersions(member, slug);
	const [labels, moves, draft, protectProduction, { reviews }] = await Promise.all([
		listLabels(prompt.id),
		listLabelMoves(prompt.id),
		draftStatus(prompt.id),
		isProductionProtected(member.workspace.id),
		listReviews(member, slug)
	]);
	const openReviews = reviews.filter((r) => isActive(r.status)).length;
	return { prompt, versions, labels, moves, draft, protectProduction, openReviews };
}
