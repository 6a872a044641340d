import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { readDraft, replaceText, writeDraft, type DraftContent } from '$lib/prompt-doc';

const content: DraftContent = {
	systemPrompt: 'You are a security reviewer.',
	userPromptTemplate: 'Review this {{language}} code:\n{{code}}',
	fewShotExamples: [{ input: 'eval(x)', output: 'Never eval input.' }],
	parameters: { modelType: 'whiterabbitneo', temperature: 0.2, maxTokens: 512 }
};

describe('the prompt draft document', () => {
	it('round-trips every part of a prompt', () => {
		const doc = new Y.Doc();
		writeDraft(doc, content);
		expect(readDraft(doc)).toEqual(content);
	});

	it('replaces text with minimal edits, so a cursor in an unchanged part stays put', () => {
		const doc = new Y.Doc();
		const text = doc.getText('t');
		text.insert(0, 'alpha beta gamma');
		const cursor = Y.createRelativePositionFromTypeIndex(text, 12); // inside "gamma"
		replaceText(text, 'ALPHA beta gamma');
		expect(text.toString()).toBe('ALPHA beta gamma');
		expect(Y.createAbsolutePositionFromRelativePosition(cursor, doc)?.index).toBe(12);
	});

	it('merges a restore with a concurrent edit instead of overwriting it', () => {
		const a = new Y.Doc();
		writeDraft(a, content);
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		b.getText('template').insert(0, 'Please. ');
		writeDraft(a, { ...content, systemPrompt: 'You are terse.' });
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		expect(readDraft(a)).toEqual(readDraft(b));
		expect(readDraft(a).userPromptTemplate.startsWith('Please. ')).toBe(true);
		expect(readDraft(a).systemPrompt).toBe('You are terse.');
	});

	it('gives safe defaults for parameters a client set to nonsense', () => {
		const doc = new Y.Doc();
		doc.getMap('params').set('temperature', 'hot');
		doc.getMap('params').set('maxTokens', -3);
		expect(readDraft(doc).parameters).toMatchObject({ temperature: 0.7, maxTokens: 2048, modelType: 'whiterabbitneo' });
	});

	it('adds, edits and removes few-shot examples', () => {
		const doc = new Y.Doc();
		writeDraft(doc, { ...content, fewShotExamples: [{ input: 'a', output: 'b' }, { input: 'c', output: 'd' }] });
		writeDraft(doc, { ...content, fewShotExamples: [{ input: 'a2', output: 'b' }] });
		expect(readDraft(doc).fewShotExamples).toEqual([{ input: 'a2', output: 'b' }]);
	});
});
