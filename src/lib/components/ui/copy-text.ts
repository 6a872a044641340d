// Putting text on the clipboard from a click. The Clipboard API needs a secure context (https, or
// localhost); a studio served over plain http on another host falls back to the older selection
// copy, which browsers still honour inside a click.

/** Whether the text reached the clipboard. */
export async function copyText(text: string): Promise<boolean> {
	if (typeof navigator !== 'undefined' && navigator.clipboard && window.isSecureContext) {
		try {
			await navigator.clipboard.writeText(text);
			return true;
		} catch {
			// Refused (no permission, document not focused): the selection copy may still work.
		}
	}
	return copyBySelection(text);
}

function copyBySelection(text: string): boolean {
	const area = document.createElement('textarea');
	area.value = text;
	area.setAttribute('readonly', '');
	// Off-screen, not display:none (which cannot be selected); fixed, so the page does not scroll.
	area.style.position = 'fixed';
	area.style.top = '-1000px';
	area.style.opacity = '0';
	const focused = document.activeElement as HTMLElement | null;
	document.body.append(area);
	area.select();
	let copied = false;
	try {
		copied = document.execCommand('copy');
	} catch {
		copied = false;
	} finally {
		area.remove();
		focused?.focus();
	}
	return copied;
}
