// Where the stand-in's answer ends, decided on its text as it streams. A code model this small never
// says "done" by itself: left alone, it finishes the function it was asked for and goes on with the
// next one, and the next. So besides the request's own stop sequences (kept in the answer, as TGI
// does) the answer ends where the code it writes ends: the first line that leaves its block, that is
// back at column 0 after a body (`def`, `class`, `if __name__`, a top-level call or comment), or
// indented less than the block the answer is written in (a function's body: the prompt's, or the
// answer's first line's). That line is left out, with the blank lines before it. Strings are not
// followed: a model this small opens docstrings it never closes, and a docstring's lines are indented
// like code anyway. Pure: text in, text out; the stream feeds it each decoded piece.

/** Words that go on with the statement above them at column 0 (they never start a new one). */
const CONTINUATIONS = new Set(['else', 'elif', 'except', 'finally']);
const CLOSERS = new Set([')', ']', '}']);
const identifierChar = (char: string) => /[\p{L}\p{N}_]/u.test(char);

export interface AnswerPiece {
	/** Text to show now (possibly empty: held back until it is known whether the answer ends there). */
	text: string;
	/** The answer is over: nothing after this piece belongs to it. */
	ended: boolean;
}

export class AnswerEnd {
	/** The prompt and everything generated so far. */
	private text: string;
	private released: number;
	/** Where the line being written starts, and whether its fate is known (it is shown). */
	private lineStart: number;
	private lineDecided: boolean;
	/** Where the blank lines before the current line start: left out with a line that ends the answer. */
	private blankRunStart: number;
	/** The least indentation of the lines since the last one at column 0 (null: none since, not in a body). */
	private blockIndent: number | null = null;
	/** The indentation the answer is written at: a line indented less leaves it (null: not known yet). */
	private base: number | null = null;
	private readonly promptLength: number;
	/** The prompt has been read: lines decided from now on are the answer's. */
	private answering = false;
	private over = false;

	constructor(
		prompt: string,
		private readonly stop: readonly string[] = []
	) {
		this.text = prompt;
		this.lineStart = 0;
		this.lineDecided = false;
		this.blankRunStart = 0;
		this.released = this.promptLength = prompt.length;
		// The prompt is read with the same rules (no line can end the answer before it has a base).
		this.scan();
		this.answering = true;
		// A prompt that ends in a body (a function's signature and docstring) sets the answer's block.
		this.base = this.blockIndent;
		// A line the prompt left unfinished (but for indentation) is under way: the answer goes on with it.
		if (/\S/.test(prompt.slice(this.lineStart))) this.lineDecided = true;
	}

	/** Takes the next decoded piece of the answer. */
	push(piece: string): AnswerPiece {
		if (this.over) return { text: '', ended: true };
		const before = this.text.length;
		this.text += piece;
		const stopAt = this.findStop(before);
		const endAt = this.scan();
		if (stopAt !== null || endAt !== null) return this.end(Math.min(stopAt ?? Infinity, endAt ?? Infinity));
		return { text: this.release(this.heldFrom()), ended: false };
	}

	/** The model stopped on its own (end of text, or the length limit): whatever was held back. */
	finish(): string {
		if (this.over) return '';
		this.over = true;
		return this.release(this.text.length);
	}

	private end(at: number): AnswerPiece {
		this.over = true;
		return { text: this.release(at), ended: true };
	}

	private release(upTo: number): string {
		if (upTo <= this.released) return '';
		const out = this.text.slice(this.released, upTo);
		this.released = upTo;
		return out;
	}

	/** Where the text that must wait starts: the blank lines and the current line, while undecided. */
	private heldFrom(): number {
		return this.lineDecided ? this.text.length : this.blankRunStart;
	}

	/** The end of the first of the request's stop sequences to appear in the answer (it is kept), or null. */
	private findStop(before: number): number | null {
		let first: number | null = null;
		for (const sequence of this.stop) {
			// Only a sequence that ends in the new piece is new; none starts in the prompt.
			const at = this.text.indexOf(sequence, Math.max(this.promptLength, before - sequence.length + 1));
			if (at >= 0 && (first === null || at + sequence.length < first)) first = at + sequence.length;
		}
		return first;
	}

	/** Reads the lines written since the last call; returns where the answer ends (the start of the blank lines before the line that leaves its block), or null. */
	private scan(): number | null {
		while (true) {
			const newline = this.text.indexOf('\n', this.lineStart);
			const lineEnd = newline < 0 ? this.text.length : newline;
			const line = this.text.slice(this.lineStart, lineEnd);
			if (!this.lineDecided) {
				const verdict = this.judge(line, newline >= 0);
				if (verdict === 'undecided') return null;
				if (verdict === 'ends') return this.blankRunStart;
				if (verdict !== 'blank') {
					this.lineDecided = true;
					this.structure(line, verdict === 'continues');
				}
			}
			if (newline < 0) return null;
			// The line is complete: a blank run goes on, or restarts after it.
			const blank = line.trim() === '' && !this.lineDecided;
			this.lineStart = newline + 1;
			if (!blank) this.blankRunStart = this.lineStart;
			this.lineDecided = false;
		}
	}

	/** What a decided line says of the block the text is in. */
	private structure(line: string, continuation: boolean): void {
		const indent = line.search(/\S/);
		// The answer's first line of its own sets its block, when the prompt did not.
		if (this.base === null && this.answering) this.base = indent;
		if (indent > 0) this.blockIndent = Math.min(this.blockIndent ?? indent, indent);
		else if (!continuation) this.blockIndent = null;
	}

	/** What a line (so far) says about the code: `complete` when its newline has come. */
	private judge(line: string, complete: boolean): 'blank' | 'code' | 'continues' | 'ends' | 'undecided' {
		const indent = line.search(/\S/);
		if (indent < 0) return complete ? 'blank' : 'undecided';
		const leaves = this.base !== null && (indent < this.base || (indent === 0 && this.blockIndent !== null));
		if (!leaves) return 'code';
		const rest = line.slice(indent);
		if (CLOSERS.has(rest[0]!)) return 'continues';
		if (!identifierChar(rest[0]!)) return 'ends';
		let wordEnd = 0;
		while (wordEnd < rest.length && identifierChar(rest[wordEnd]!)) wordEnd++;
		// `el` may yet become `else`: wait for the word to end.
		if (wordEnd === rest.length && !complete) return 'undecided';
		return CONTINUATIONS.has(rest.slice(0, wordEnd)) ? 'continues' : 'ends';
	}
}
