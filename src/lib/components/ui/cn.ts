// Joins class values and lets a caller's Tailwind classes win over a component's defaults.
export { cn } from 'tailwind-variants';
