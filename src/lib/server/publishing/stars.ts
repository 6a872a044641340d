// Stars on public prompts: a signed-in user stars or unstars a prompt by its public address. Both
// are idempotent, and prompt_library.star_count stays exact under any concurrency: the star row and
// the count change in one transaction, and the count moves only when a row was really inserted or
// deleted (the primary key on (user, prompt) decides between two racing requests).
import type { SessionUser } from '../auth';
import { prisma } from '../db';
import { changeStarCount } from '../prompts';
import { listedPrompt, type PublicAddress } from './public-page';

export interface StarState {
	starred: boolean;
	starCount: number;
}

async function changeStar(user: SessionUser, address: PublicAddress, star: boolean): Promise<StarState> {
	const { promptId } = await listedPrompt(address);
	const db = await prisma();
	return db.$transaction(async (tx) => {
		const changed = star
			? await tx.$executeRaw`INSERT INTO prompt_stars (user_id, prompt_id) VALUES (${user.id}::uuid, ${promptId}::uuid) ON CONFLICT DO NOTHING`
			: await tx.$executeRaw`DELETE FROM prompt_stars WHERE user_id = ${user.id}::uuid AND prompt_id = ${promptId}::uuid`;
		const starCount = await changeStarCount(tx, promptId, changed ? (star ? 1 : -1) : 0);
		return { starred: star, starCount };
	});
}

/** Stars the public prompt (a second star by the same user changes nothing). */
export function starPrompt(user: SessionUser, address: PublicAddress): Promise<StarState> {
	return changeStar(user, address, true);
}

/** Takes the user's star back (unstarring what was not starred changes nothing). */
export function unstarPrompt(user: SessionUser, address: PublicAddress): Promise<StarState> {
	return changeStar(user, address, false);
}
