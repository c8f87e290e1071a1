/**
 * The one user principal name check every entry point uses (commands, joiner and leaver files,
 * forwarding addresses, delegates). Input from chat can be 4,000 characters and a file cell megabytes,
 * so the length is checked before any pattern runs, and the pattern is linear: the local part cannot
 * hold `@`, and each domain label cannot hold a dot, so there is one way to match and no backtracking
 * over the input. (`[^@]+@[^@]+\.[^@]+$`, the shape used before, tries every dot of a long domain and
 * is quadratic.)
 */
import { z } from 'zod';

export const minUpnLength = 3;
export const maxUpnLength = 256;

// Local part: no white space, no `@`, none of `<>()"',;:\`. Domain: dot-separated non-empty labels.
const upnPattern = /^[^\s@<>()"',;:\\]+@[^\s@<>()"',;:\\.]+(?:\.[^\s@<>()"',;:\\.]+)+$/;

/** True for `name@domain.tld` within the length bounds; the pattern runs only on short input. */
export function isUserPrincipalName(value: string): boolean {
  return value.length >= minUpnLength && value.length <= maxUpnLength && upnPattern.test(value);
}

/**
 * A trimmed UPN as a zod string. The length checks abort the parse, so the pattern never sees long
 * input (zod otherwise runs every check after a failed one).
 */
export function upnSchema(message = 'is not a user principal name') {
  return z
    .string()
    .trim()
    .min(minUpnLength, { message: 'is too short', abort: true })
    .max(maxUpnLength, { message: 'is too long', abort: true })
    .refine(isUserPrincipalName, message);
}
