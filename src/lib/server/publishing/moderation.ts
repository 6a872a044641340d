// Moderation of the public library: signed-in users report a public prompt (rate-limited, once
// while their report is open); site admins see open reports, hide a prompt (it leaves the library
// and its reports are resolved), unhide it and dismiss a report (granting the site admin role is auth's).
// Whether someone is a site admin is read from the database on every call.
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SessionUser } from '../auth';
import { requireSiteAdmin } from '../auth';
import { prisma } from '../db';
import { hideFromLibrary, promptExists, unhideFromLibrary } from '../prompts';
import { ServiceError, invalid, notFound } from '../errors';
import { sharedLimiter } from '../rate-limit';
import { minutesToWait } from '../wait-words';
import type { ModeratedPrompt } from '$lib/views/publishing';
import { listedPrompt, type PublicAddress } from './public-page';

/** Reports one user may file per hour. */
export const REPORTS_PER_HOUR = 10;
/** Reports and hidden prompts the admin page lists at most, oldest report first. */
const ADMIN_LIST_LIMIT = 200;

let limiter: RateLimiterAbstract | undefined;
const reportLimiter = () => (limiter ??= sharedLimiter(['abuse-reports'], REPORTS_PER_HOUR, 3600));

export interface ReportResult {
	created: boolean;
	message: string;
}

/** Files the user's report on the public prompt at `address`; a second one while the first is open changes nothing. */
export async function reportAbuse(user: SessionUser, address: PublicAddress, reason: string): Promise<ReportResult> {
	const { promptId } = await listedPrompt(address);
	const db = await prisma();
	const open = await db.abuseReport.findFirst({ where: { promptId, reporterId: user.id, resolvedAt: null }, select: { id: true } });
	if (open) return { created: false, message: 'You have already reported this prompt. A site admin will look at it.' };
	try {
		await reportLimiter().consume(user.id);
	} catch (rejection) {
		if (!(rejection instanceof RateLimiterRes)) throw rejection;
		throw new ServiceError(429, `You have sent ${REPORTS_PER_HOUR} reports this hour. Try again in ${minutesToWait(rejection.msBeforeNext / 1000)}.`, undefined, Math.ceil(rejection.msBeforeNext / 1000));
	}
	await db.abuseReport.create({ data: { promptId, reporterId: user.id, reason } });
	return { created: true, message: 'Thank you. A site admin will look at your report.' };
}

export type { ModeratedPrompt };

export interface OpenReport {
	id: string;
	reason: string;
	createdAt: string;
	reporter: string | null;
	prompt: ModeratedPrompt;
}

const moderatedSelect = {
	id: true,
	name: true,
	slug: true,
	hiddenAt: true,
	hiddenReason: true,
	hiddenBy: { select: { username: true } },
	workspace: { select: { slug: true } },
	publicPage: { select: { workspaceSlug: true, promptSlug: true, title: true } }
} as const;

type ModeratedRow = {
	id: string;
	name: string;
	slug: string;
	hiddenAt: Date | null;
	hiddenReason: string | null;
	hiddenBy: { username: string } | null;
	workspace: { slug: string };
	publicPage: { workspaceSlug: string; promptSlug: string; title: string } | null;
};

function toModerated(row: ModeratedRow): ModeratedPrompt {
	return {
		id: row.id,
		title: row.publicPage?.title ?? row.name,
		address: row.publicPage ? { workspaceSlug: row.publicPage.workspaceSlug, promptSlug: row.publicPage.promptSlug } : null,
		workspaceSlug: row.workspace.slug,
		promptSlug: row.slug,
		hiddenAt: row.hiddenAt?.toISOString() ?? null,
		hiddenReason: row.hiddenReason,
		hiddenBy: row.hiddenBy?.username ?? null
	};
}

/** Reports no admin has acted on yet, oldest first. */
export async function openReports(admin: SessionUser | null): Promise<OpenReport[]> {
	await requireSiteAdmin(admin);
	const rows = await (await prisma()).abuseReport.findMany({
		where: { resolvedAt: null },
		orderBy: { createdAt: 'asc' },
		take: ADMIN_LIST_LIMIT,
		select: { id: true, reason: true, createdAt: true, reporter: { select: { username: true } }, prompt: { select: moderatedSelect } }
	});
	return rows.map((row) => ({
		id: row.id,
		reason: row.reason,
		createdAt: row.createdAt.toISOString(),
		reporter: row.reporter?.username ?? null,
		prompt: toModerated(row.prompt)
	}));
}

/** Prompts hidden from the library, most recently hidden first. */
export async function hiddenPrompts(admin: SessionUser | null): Promise<ModeratedPrompt[]> {
	await requireSiteAdmin(admin);
	const rows = await (await prisma()).prompt.findMany({
		where: { hiddenAt: { not: null } },
		orderBy: { hiddenAt: 'desc' },
		take: ADMIN_LIST_LIMIT,
		select: moderatedSelect
	});
	return rows.map(toModerated);
}

/** Hides the prompt from the library and resolves its open reports, in one transaction. */
export async function hidePrompt(admin: SessionUser | null, promptId: string, reason: string): Promise<{ message: string }> {
	const by = await requireSiteAdmin(admin);
	const db = await prisma();
	return db.$transaction(async (tx) => {
		const now = new Date();
		if (!(await hideFromLibrary(tx, promptId, by, reason, now))) {
			if (!(await promptExists(promptId, tx))) throw notFound('That prompt');
			throw invalid('That prompt is already hidden.');
		}
		const resolved = await tx.abuseReport.updateMany({ where: { promptId, resolvedAt: null }, data: { resolvedAt: now, resolvedById: by.id } });
		const reports = resolved.count === 1 ? '1 open report resolved' : `${resolved.count} open reports resolved`;
		return { message: `Hidden from the library (${reports}).` };
	});
}

/** Puts a hidden prompt back in the library (if it is still published). */
export async function unhidePrompt(admin: SessionUser | null, promptId: string): Promise<{ message: string }> {
	await requireSiteAdmin(admin);
	if (!(await unhideFromLibrary(promptId))) {
		if (!(await promptExists(promptId))) throw notFound('That prompt');
		throw invalid('That prompt is not hidden.');
	}
	return { message: 'Back in the library.' };
}

/** Closes a report without hiding the prompt. */
export async function dismissReport(admin: SessionUser | null, reportId: string): Promise<{ message: string }> {
	const by = await requireSiteAdmin(admin);
	const { count } = await (await prisma()).abuseReport.updateMany({ where: { id: reportId, resolvedAt: null }, data: { resolvedAt: new Date(), resolvedById: by.id } });
	if (count === 0) throw notFound('That open report');
	return { message: 'Report dismissed.' };
}
