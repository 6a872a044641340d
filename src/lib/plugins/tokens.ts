// A tokenizer-free token estimate shared by the plugins: the models' BPE tokenizers are not
// shipped with the app. Words count one token per 7 letters, rounded (common words are one BPE token, long identifiers split), numbers one
// per 3 digits, every other non-space character one token (code punctuation is mostly single tokens).
// On English prose and code this lands within about 20 % of a real BPE count, enough for budgets.
export function estimateTokens(text: string): number {
	let tokens = 0;
	for (const [piece] of text.matchAll(/[A-Za-z]+|\d+|[^\sA-Za-z\d]/g)) {
		if (/^[A-Za-z]/.test(piece)) tokens += Math.max(1, Math.round(piece.length / 7));
		else if (/^\d/.test(piece)) tokens += Math.ceil(piece.length / 3);
		else tokens += 1;
	}
	return tokens;
}
