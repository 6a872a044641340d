// Shared look of native form controls (input, textarea, select), including the invalid state.
export const controlClasses = [
	'block w-full min-w-0 rounded-md border border-input bg-card px-3 text-sm text-foreground shadow-xs',
	'placeholder:text-muted-foreground/70 transition-[border-color,box-shadow] duration-150',
	'focus-visible:border-ring focus-visible:outline-none focus-visible:ring-3 focus-visible:ring-ring/25',
	'disabled:cursor-not-allowed disabled:opacity-50 dark:bg-background/40',
	'aria-invalid:border-destructive aria-invalid:focus-visible:ring-destructive/25'
].join(' ');
