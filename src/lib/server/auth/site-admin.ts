// The site admin rule, read from the database on every call (a revoked admin is refused at once):
// anyone else, signed in or not, gets a 404, as if the admin pages did not exist.
import { prisma } from '../db';
import { invalid, notFound } from '../errors';
import { usernameKey } from './accounts';
import type { SessionUser } from './session';

export async function requireSiteAdmin(user: SessionUser | null): Promise<SessionUser> {
	if (!user) throw notFound('That page');
	const row = await (await prisma()).user.findUnique({ where: { id: user.id }, select: { isSiteAdmin: true } });
	if (!row?.isSiteAdmin) throw notFound('That page');
	return { ...user, isSiteAdmin: true };
}

/** Usernames of the site admins, alphabetically. */
export async function siteAdmins(admin: SessionUser | null): Promise<string[]> {
	await requireSiteAdmin(admin);
	const rows = await (await prisma()).user.findMany({ where: { isSiteAdmin: true }, orderBy: { usernameKey: 'asc' }, select: { username: true } });
	return rows.map((row) => row.username);
}

/**
 * Grants or revokes the site admin role. The last site admin cannot be revoked (the admins' rows
 * are locked while counting, so two admins revoking each other at once cannot leave none).
 */
export async function setSiteAdmin(admin: SessionUser | null, username: string, isSiteAdmin: boolean): Promise<{ message: string }> {
	await requireSiteAdmin(admin);
	const db = await prisma();
	return db.$transaction(async (tx) => {
		const target = await tx.user.findUnique({ where: { usernameKey: usernameKey(username) }, select: { id: true, username: true, isSiteAdmin: true } });
		if (!target) throw invalid(`There is no account named ${username}.`, 'username');
		if (target.isSiteAdmin === isSiteAdmin) return { message: `${target.username} ${isSiteAdmin ? 'is already' : 'is not'} a site admin.` };
		if (!isSiteAdmin) {
			const admins = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM users WHERE is_site_admin ORDER BY id FOR UPDATE`;
			if (admins.length <= 1) throw invalid('The studio needs at least one site admin: grant the role to someone else first.', 'username');
		}
		await tx.user.update({ where: { id: target.id }, data: { isSiteAdmin } });
		return { message: isSiteAdmin ? `${target.username} is now a site admin.` : `${target.username} is no longer a site admin.` };
	});
}
