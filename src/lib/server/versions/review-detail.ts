// Everything a review's page shows: the proposal, its verdicts, its comments and its diff against the
// base (what the label pointed at when the review opened), and what the reader may do.
import { prisma } from '../db';
import type { Member } from '../workspaces';
import { canChangeVersions, promptOf, type PromptRef } from './access';
import { reviewComments, type CommentEntry } from './comments';
import { diffContents, type DiffOptions, type PromptDiff } from './diff';
import { versionByNumber } from './history';
import { isProductionProtected, listLabels } from './labels';
import { isActive, reviewRow, toSummary, type ReviewSummary, type Verdict } from './reviews';

export interface ReviewDetail extends ReviewSummary {
	/** Each reviewer's latest verdict, newest first. */
	verdicts: Verdict[];
	/** Every verdict in order, older ones included. */
	history: Verdict[];
	comments: CommentEntry[];
	diff: PromptDiff;
	/** Where the label points now, when it moved since the review opened. */
	labelNow: number | null;
	protectedLabel: boolean;
	can: { review: boolean; approve: boolean; merge: boolean; close: boolean; comment: boolean };
}

export async function getReview(member: Member, slug: string, reviewId: string, options: DiffOptions = {}): Promise<{ prompt: PromptRef; review: ReviewDetail }> {
	const prompt = await promptOf(member, slug);
	const db = await prisma();
	const row = await reviewRow(db, prompt.id, reviewId);
	const [decisions, comments, proposed, base, labels, protectedProduction] = await Promise.all([
		db.reviewDecision.findMany({
			where: { reviewId: row.id },
			orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
			select: { reviewerId: true, verdict: true, createdAt: true, reviewer: { select: { username: true } } }
		}),
		reviewComments(row.id),
		versionByNumber(prompt.id, row.version.versionNumber),
		row.baseVersion ? versionByNumber(prompt.id, row.baseVersion.versionNumber) : Promise.resolve(null),
		listLabels(prompt.id),
		isProductionProtected(member.workspace.id)
	]);
	const history = decisions.map((d) => ({ reviewer: d.reviewer?.username ?? null, verdict: d.verdict, at: d.createdAt.toISOString() }));
	const latest = new Map<string, Verdict>();
	decisions.forEach((d, i) => latest.set(d.reviewerId ?? `gone-${i}`, history[i]!));
	const labelNow = labels.find((l) => l.name === row.labelName)?.version ?? null;
	const active = isActive(row.status);
	const editor = canChangeVersions(member);
	const own = row.proposedById === member.user.id;
	return {
		prompt,
		review: {
			...toSummary(row),
			verdicts: [...latest.values()].reverse(),
			history,
			comments,
			diff: diffContents(base?.content ?? null, proposed.content, options),
			labelNow,
			protectedLabel: row.labelName === 'production' && protectedProduction,
			can: {
				review: active && editor && !own,
				approve: active && editor && !own,
				merge: active && editor && row.status === 'approved',
				close: active && editor,
				comment: editor
			}
		}
	};
}
