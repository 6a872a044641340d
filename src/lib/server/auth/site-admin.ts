// The site admin rule, read from the database on every call (a revoked admin is refused at once):
// anyone else, signed in or not, gets a 404, as if the admin pages did not exist.
import { prisma } from '../db';
import { notFound } from '../errors';
import type { SessionUser } from './session';

export async function requireSiteAdmin(user: SessionUser | null): Promise<SessionUser> {
	if (!user) throw notFound('That page');
	const row = await (await prisma()).user.findUnique({ where: { id: user.id }, select: { isSiteAdmin: true } });
	if (!row?.isSiteAdmin) throw notFound('That page');
	return { ...user, isSiteAdmin: true };
}
