// What a person says about themselves: the display name others see in presence and menus. The
// username stays the account's identity (sign-in, adding members, mentions); the display name is
// only a label, validated so that it cannot hide characters or pose as empty.
import { displayNameSchema } from '$lib/schemas/account';
import { prisma } from '../db';
import { invalid, notFound } from '../errors';

/** Sets (or, with an empty name, clears) the user's display name; returns what is now stored. */
export async function setDisplayName(userId: string, typed: string): Promise<string | null> {
	const parsed = displayNameSchema.safeParse(typed);
	if (!parsed.success) throw invalid(parsed.error.issues[0]!.message, 'displayName');
	const displayName = parsed.data === '' ? null : parsed.data;
	const { count } = await (await prisma()).user.updateMany({ where: { id: userId }, data: { displayName } });
	if (count === 0) throw notFound('Your account');
	return displayName;
}
