// A version number in the address: 1, 2, 3… up to the database column's integer range. Anything else
// answers 404 from the router, for the page and its form actions alike (the actions take their
// version from the form, so without this they would act from a malformed address).
import type { ParamMatcher } from '@sveltejs/kit';

export const match: ParamMatcher = (param) => /^[1-9]\d{0,9}$/.test(param) && Number(param) <= 2_147_483_647;
