// Comparing contents: any two versions, or a version and the live draft (the server's own copy).
import { draftContentSchema, type DraftContent } from '$lib/prompt-doc';
import type { DiffSide } from '$lib/schemas/versions';
import { ServiceError } from '../errors';
import type { Member } from '../workspaces';
import { promptOf, type PromptRef } from './access';
import { canonicalJson, contentHash } from './content';
import { diffContents, type DiffOptions, type PromptDiff } from './diff';
import { readDraftContent, readDraftMeta } from './draft';
import { latestVersion, versionByNumber } from './history';

export interface ComparedSide {
	side: DiffSide;
	/** "v3" or "Live draft". */
	title: string;
	author: string | null;
	createdAt: string | null;
	message: string | null;
}

async function sideContent(promptId: string, side: DiffSide): Promise<{ content: DraftContent; info: ComparedSide }> {
	if (side === 'draft') {
		return { content: await readDraftContent(promptId), info: { side, title: 'Live draft', author: null, createdAt: null, message: null } };
	}
	const version = await versionByNumber(promptId, side);
	return {
		content: version.content,
		info: { side, title: `v${side}`, author: version.author, createdAt: version.createdAt, message: version.message }
	};
}

export async function compare(
	member: Member,
	slug: string,
	from: DiffSide,
	to: DiffSide,
	options: DiffOptions = {}
): Promise<{ prompt: PromptRef; from: ComparedSide; to: ComparedSide; diff: PromptDiff }> {
	const prompt = await promptOf(member, slug);
	const [left, right] = await Promise.all([sideContent(prompt.id, from), sideContent(prompt.id, to)]);
	return { prompt, from: left.info, to: right.info, diff: diffContents(left.content, right.content, options) };
}

export interface DraftStatus {
	/** The newest version, null before the first commit. */
	latest: number | null;
	/** True when the live draft differs from the newest version (or there is none yet and the draft has text). */
	changed: boolean;
	/** The version last restored into the draft and not committed since. */
	restoredFrom: number | null;
	/** Why the draft cannot be committed as it is (past a limit), if it cannot. */
	problem: string | null;
}

export async function draftStatus(promptId: string): Promise<DraftStatus> {
	const [meta, latest] = await Promise.all([readDraftMeta(promptId), latestVersion(promptId)]);
	let content: DraftContent;
	try {
		content = await readDraftContent(promptId);
	} catch (error) {
		if (!(error instanceof ServiceError) || error.status !== 400) throw error;
		return { latest: latest?.number ?? null, changed: true, restoredFrom: meta.restoredFrom, problem: error.message };
	}
	const empty: DraftContent = { ...content, systemPrompt: '', userPromptTemplate: '', fewShotExamples: [] };
	const parsed = draftContentSchema.safeParse(content);
	const hash = parsed.success ? contentHash(parsed.data) : null;
	const changed = latest ? hash !== latest.contentHash : canonicalJson(content) !== canonicalJson(empty);
	return { latest: latest?.number ?? null, changed, restoredFrom: meta.restoredFrom, problem: null };
}
