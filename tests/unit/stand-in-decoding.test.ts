// How the stand-in decodes, as logic: the repetition penalty on a row of logits, where its answer
// ends as the text streams (answer-end.ts), and the limits its requests get.
import { describe, expect, it } from 'vitest';
import { AnswerEnd } from '$lib/server/models/embedded/answer-end';
import { answerMayStartWith, fittedParameters, healPrompt, penalizeRepeats, standInParameters, STAND_IN_MAX_NEW_TOKENS } from '$lib/server/models/embedded/decoding';

describe('the repetition penalty', () => {
	it('divides the positive logit and multiplies the negative logit of each token already generated, once however often it came', () => {
		const logits = Float32Array.from([2, -2, 3, 0, 1.5]);
		penalizeRepeats(logits, [0, 1, 0, 0, 3], 2);
		expect([...logits]).toEqual([1, -4, 3, 0, 1.5]);
	});

	it('makes a repeated token less likely than an unseen one it used to beat', () => {
		const logits = Float32Array.from([2.2, 2.0]);
		penalizeRepeats(logits, [0], 1.2);
		expect(logits[0]).toBeLessThan(logits[1]!);
	});

	it('changes nothing at 1, and ignores ids outside the vocabulary', () => {
		const logits = Float32Array.from([2, -2]);
		penalizeRepeats(logits, [0, 1], 1);
		penalizeRepeats(logits, [5, -1], 2);
		expect([...logits]).toEqual([2, -2]);
	});
});

describe('token healing', () => {
	it("takes the prompt's trailing whitespace off, to be written again by the model as it tokenises it", () => {
		expect(healPrompt('def f():\n    """Doc."""\n')).toEqual({ prompt: 'def f():\n    """Doc."""', healed: '\n' });
		expect(healPrompt('def f():\n    ')).toEqual({ prompt: 'def f():', healed: '\n    ' });
		expect(healPrompt('Generate Python code: def add(a, b):')).toEqual({ prompt: 'Generate Python code: def add(a, b):', healed: '' });
		expect(healPrompt('  \n')).toEqual({ prompt: '', healed: '  \n' });
	});

	it('lets the answer start only with tokens that write that whitespace, or begin with all of it', () => {
		expect(answerMayStartWith('\n   ', '\n')).toBe(true);
		expect(answerMayStartWith('\n', '\n    ')).toBe(true);
		expect(answerMayStartWith(' return', ' ')).toBe(true);
		expect(answerMayStartWith('def', '\n')).toBe(false);
		expect(answerMayStartWith('  ', '\n')).toBe(false);
		// The end-of-text token writes nothing: it cannot be the answer's start.
		expect(answerMayStartWith('', '\n')).toBe(false);
	});
});

describe("the stand-in's limits", () => {
	it('asks at most its own answer length, and never more than the context leaves after the prompt', () => {
		expect(standInParameters({ max_new_tokens: 1024, temperature: 0 })).toEqual({ max_new_tokens: STAND_IN_MAX_NEW_TOKENS, temperature: 0 });
		expect(standInParameters({ max_new_tokens: 40, temperature: 0.7, stop: ['\n\n'] })).toEqual({ max_new_tokens: 40, temperature: 0.7, stop: ['\n\n'] });
		expect(fittedParameters({ max_new_tokens: 256, temperature: 0 }, 400, 512)).toEqual({ max_new_tokens: 112, temperature: 0 });
		expect(fittedParameters({ max_new_tokens: 40, temperature: 0 }, 400, 512)).toEqual({ max_new_tokens: 40, temperature: 0 });
	});
});

/** Streams `pieces` after `prompt`; what was shown, and whether the answer ended by its text. */
function stream(prompt: string, pieces: string[], stop: string[] = []) {
	const end = new AnswerEnd(prompt, stop);
	let shown = '';
	for (const piece of pieces) {
		const out = end.push(piece);
		shown += out.text;
		if (out.ended) return { shown, ended: true, afterEnd: end.push('more') };
	}
	return { shown: shown + end.finish(), ended: false };
}

/** The text cut into pieces of `size` characters, as tokens come. */
const pieces = (text: string, size = 3) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, i * size + size));

const HUMANEVAL_PROMPT = 'def add(a, b):\n    """Add two numbers.\n\n    >>> add(2, 3)\n    5\n    """\n';

describe('where the answer ends', () => {
	it('after a function body, at a blank line then an unindented def, which is left out', () => {
		const answer = '    return a + b\n\n\ndef sub(a, b):\n    return a - b\n';
		for (const size of [1, 3, 7, 100]) {
			expect(stream(HUMANEVAL_PROMPT, pieces(answer, size))).toMatchObject({ shown: '    return a + b\n', ended: true });
		}
	});

	it('at an unindented class, `if __name__`, decorator, comment or call after the body', () => {
		for (const next of ['class Adder:\n', 'if __name__ == "__main__":\n', '@cache\ndef f():\n', '# tests\n', 'print(add(1, 2))\n']) {
			expect(stream(HUMANEVAL_PROMPT, pieces(`    return a + b\n\n${next}`))).toMatchObject({ shown: '    return a + b\n', ended: true });
		}
	});

	it('goes on through else, elif, except and finally, closing brackets, blank lines and indented lines', () => {
		const answer = [
			'    try:',
			'        if a:',
			'            x = [',
			'    1,',
			']',
			'        elif b:',
			'            x = 2',
			'',
			'        else:',
			'            x = 3',
			'    except ValueError:',
			'        x = 0',
			'    finally:',
			'        pass',
			'',
			'    return x',
			''
		].join('\n');
		expect(stream(HUMANEVAL_PROMPT, pieces(answer))).toEqual({ shown: answer, ended: false });
		// An unindented word that only begins like a continuation ends it.
		expect(stream(HUMANEVAL_PROMPT, pieces('    return a\nelsewhere = 1\n'))).toMatchObject({ shown: '    return a\n', ended: true });
	});

	it('lets top-level code before any body through: imports, then a whole function, then stops at the next', () => {
		const answer = '\n\nimport os\nimport sys\n\n\ndef main():\n    return os.getcwd()\n\n\ndef other():\n';
		expect(stream('Generate Python code: print the working directory', pieces(answer))).toMatchObject({
			shown: '\n\nimport os\nimport sys\n\n\ndef main():\n    return os.getcwd()\n',
			ended: true
		});
	});

	it('continues a line the prompt left unfinished', () => {
		expect(stream('Generate Python code: def add(a, b):', pieces('\n    return a + b\n\n\ndef sub(a, b):'))).toMatchObject({
			shown: '\n    return a + b\n',
			ended: true
		});
	});

	it("at a line indented less than the answer's first line, when the prompt set no block", () => {
		const answer = '\n        return a + b\n\n    def sub(self, a, b):\n';
		expect(stream('Generate Python code: def add(a, b):', pieces(answer))).toMatchObject({ shown: '\n        return a + b\n', ended: true });
		// Deeper lines, and lines back at the block's own indentation, are the answer's.
		// A prompt that ends in its body's indentation: the answer's first line, finishing it, sets the block.
		expect(stream('def add(a, b):\n    ', pieces('return a + b\n\n  x = 1\n'))).toMatchObject({ shown: 'return a + b\n', ended: true });
		const nested = '    for x in items:\n        if x:\n            return x\n    return None\n';
		expect(stream('def first(items):\n', pieces(nested))).toEqual({ shown: nested, ended: false });
	});

	it("reads a docstring's lines as code: indented, they stay in the block; one left unclosed cannot hold the answer open", () => {
		const answer = '    """Add them.\n\n    Twice.\n    """\n    return a + b\n\ndef next():\n';
		expect(stream('def add(a, b):\n', pieces(answer))).toMatchObject({ shown: '    """Add them.\n\n    Twice.\n    """\n    return a + b\n', ended: true });
		expect(stream(HUMANEVAL_PROMPT, pieces('    """Return x\n    x = 1\n\ndef next():\n'))).toMatchObject({ shown: '    """Return x\n    x = 1\n', ended: true });
	});

	it('never ends in the prompt, however its own lines go', () => {
		const prompt = 'def f():\n    pass\n\nprint(f())\n\ndef g(x):\n';
		expect(stream(prompt, pieces('    return x\n'))).toEqual({ shown: '    return x\n', ended: false });
	});

	it('holds back trailing blank lines until it knows, and gives them when the model stops by itself', () => {
		const end = new AnswerEnd(HUMANEVAL_PROMPT);
		expect(end.push('    return a + b\n')).toEqual({ text: '    return a + b\n', ended: false });
		expect(end.push('\n\n')).toEqual({ text: '', ended: false });
		expect(end.push('  ')).toEqual({ text: '', ended: false });
		expect(end.finish()).toBe('\n\n  ');
	});

	it("ends right after the request's own stop sequence, kept, even across pieces", () => {
		expect(stream('x = ', ['1', '0 #', '## y = 2'], ['###'])).toMatchObject({ shown: '10 ###', ended: true, afterEnd: { text: '', ended: true } });
		// A stop sequence already in the prompt does not end the answer.
		expect(stream('### task\n', pieces('x = 1\n'), ['###'])).toEqual({ shown: 'x = 1\n', ended: false });
		// The earlier of a stop sequence and the code's end wins.
		expect(stream(HUMANEVAL_PROMPT, ['    return a + b\n', '\ndef sub(): END'], ['END'])).toMatchObject({ shown: '    return a + b\n', ended: true });
	});
});
