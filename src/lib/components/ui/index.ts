// The studio's UI kit: small accessible components, each with one job.
export { default as Alert } from './Alert.svelte';
export { default as Badge, type BadgeVariant } from './Badge.svelte';
export { default as Button, type ButtonProps } from './Button.svelte';
export { default as Card } from './Card.svelte';
export { default as ConfirmButton } from './ConfirmButton.svelte';
export { default as EmptyState } from './EmptyState.svelte';
export { default as Field, type FieldControlProps } from './Field.svelte';
export { default as GrowingTextarea } from './GrowingTextarea.svelte';
export { default as Input } from './Input.svelte';
export { default as Label } from './Label.svelte';
export { default as LiveStatus, type LiveStatusLook } from './LiveStatus.svelte';
export { default as PageHeader } from './PageHeader.svelte';
export { default as Select } from './Select.svelte';
export { default as Textarea } from './Textarea.svelte';
export { default as ThemeToggle } from './ThemeToggle.svelte';
export { default as UserMenu } from './UserMenu.svelte';
export { buttonVariants, type ButtonSize, type ButtonVariant } from './button-variants';
export { cn } from './cn';
