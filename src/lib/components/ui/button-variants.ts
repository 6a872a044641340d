// The look of every button-like control (Button, ConfirmButton, dialog actions), in one place.
import { tv, type VariantProps } from 'tailwind-variants';

export const buttonVariants = tv({
	base: [
		'inline-flex shrink-0 select-none items-center justify-center gap-2 whitespace-nowrap rounded-md font-medium',
		'transition-[color,background-color,border-color,box-shadow] duration-150',
		'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring',
		'disabled:pointer-events-none disabled:opacity-50 aria-disabled:pointer-events-none aria-disabled:opacity-50',
		'[&_svg]:pointer-events-none [&_svg]:shrink-0'
	],
	variants: {
		variant: {
			primary: 'bg-primary text-primary-foreground shadow-xs hover:bg-primary-hover',
			secondary:
				'border border-border bg-card text-foreground shadow-xs hover:bg-secondary-hover dark:bg-secondary',
			ghost: 'text-muted-foreground hover:bg-muted hover:text-foreground',
			destructive: 'bg-destructive text-destructive-foreground shadow-xs hover:bg-destructive-hover',
			link: 'h-auto px-0 text-primary underline-offset-4 hover:underline'
		},
		size: {
			sm: 'h-8 px-3 text-[13px] [&_svg]:size-3.5',
			md: 'h-9 px-4 text-sm [&_svg]:size-4',
			lg: 'h-11 px-6 text-[15px] [&_svg]:size-4',
			icon: 'size-9 [&_svg]:size-4'
		}
	},
	compoundVariants: [{ variant: 'link', class: 'h-auto px-0' }],
	defaultVariants: { variant: 'primary', size: 'md' }
});

export type ButtonVariants = VariantProps<typeof buttonVariants>;
export type ButtonVariant = NonNullable<ButtonVariants['variant']>;
export type ButtonSize = NonNullable<ButtonVariants['size']>;
