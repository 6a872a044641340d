// The community library's read model (public_prompts, written only here, inside the caller's
// transaction) and the rules for what of a prompt the public may see. Publishing keeps it in step with
// publications; prompts/ asks it to follow a rename or a prompt made private.
export { refreshListing, renameListing, withdrawListing } from './listing';
export { publicText, publicVariables, runVariables, toSample, type PublicContent, type SampleSource } from './public-text';
