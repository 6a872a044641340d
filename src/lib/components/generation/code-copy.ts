// A "Copy" button on each code block of a rendered model answer. The answer is markup from
// renderMarkdown ({@html}), re-rendered as tokens arrive, so the buttons are added to the DOM after
// each render rather than written into the sanitised markup; one click listener on the container
// serves them all and copies the block's code only (not the button's own word).
import type { Attachment } from 'svelte/attachments';
import { copyText } from '../ui/copy-text';

const SHOWN_FOR_MS = 2000;

/** `markup` is the rendered answer: passing it makes Svelte run the attachment again after each render. */
export function codeCopyButtons(markup: string): Attachment<HTMLElement> {
	return (container) => {
		if (!markup) return;
		for (const block of container.querySelectorAll('pre')) {
			if (block.querySelector(':scope > button[data-copy-code]')) continue;
			const button = document.createElement('button');
			button.type = 'button';
			button.dataset.copyCode = '';
			button.className = 'code-copy';
			button.textContent = 'Copy';
			button.setAttribute('aria-label', 'Copy code');
			block.append(button);
		}
		const timers = new Set<ReturnType<typeof setTimeout>>();
		const copy = async (event: MouseEvent) => {
			const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-copy-code]');
			const block = button?.parentElement;
			if (!button || !block) return;
			const code = block.querySelector('code')?.textContent ?? '';
			const copied = await copyText(code);
			button.textContent = copied ? 'Copied' : 'Copy failed';
			const timer = setTimeout(() => {
				button.textContent = 'Copy';
				timers.delete(timer);
			}, SHOWN_FOR_MS);
			timers.add(timer);
		};
		container.addEventListener('click', copy);
		return () => {
			container.removeEventListener('click', copy);
			for (const timer of timers) clearTimeout(timer);
		};
	};
}
