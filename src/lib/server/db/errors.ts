/** Prisma's P2002: a unique index refused the write (a name taken, a race lost). */
export function isUniqueViolation(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}
