// The browser side of the app's start. zod compiles object parsers with `new Function` when it may;
// the page's Content-Security-Policy has no 'unsafe-eval', so its probe would be refused, and
// reported as a violation, on every page. Parsing without compiling is as correct.
import { z } from 'zod';

z.config({ jitless: true });
