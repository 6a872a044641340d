// pass@k as the HumanEval paper estimates it (unbiased): for a problem with n samples of which c
// pass, 1 - C(n-c, k) / C(n, k), computed as a product to stay exact for large n; averaged over problems.

/** One problem's pass@k; k must not exceed n. */
export function passAtK(n: number, c: number, k: number): number {
	if (k < 1 || k > n) throw new RangeError(`pass@${k} needs at least ${k} samples (have ${n}).`);
	if (n - c < k) return 1;
	let failAll = 1;
	for (let i = n - c + 1; i <= n; i++) failAll *= 1 - k / i;
	return 1 - failAll;
}

/** pass@k over problems, each given as { n, c }. */
export function meanPassAtK(problems: { n: number; c: number }[], k: number): number {
	if (problems.length === 0) return 0;
	return problems.reduce((sum, { n, c }) => sum + passAtK(n, c, k), 0) / problems.length;
}

/** The k worth reporting for n samples per problem: 1, 10, 100 up to n, and n. */
export function reportedKs(n: number): number[] {
	return [...new Set([1, 10, 100, n].filter((k) => k <= n))].sort((a, b) => a - b);
}
