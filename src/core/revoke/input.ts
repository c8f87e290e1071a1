/**
 * Inputs of the revoke flow (mailbox permissions a user holds on other mailboxes), validated with zod.
 * Bad input becomes an `InvalidInputError` whose message names every offending field.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';

export const permissionTypes = ['full_access', 'send_as', 'send_on_behalf', 'calendar'] as const;
export type PermissionType = (typeof permissionTypes)[number];

/** Upper bound on explicitly listed target mailboxes; "all mailboxes" is expressed by omitting the list. */
export const maxTargetMailboxes = 500;
/** Ticket ids are free-form PSA references (`OFF-2026-015`), restricted to a safe alphabet. */
export const ticketIdPattern = /^[A-Za-z0-9][A-Za-z0-9._#/-]{0,63}$/;

// A deliberately simple address check: one @, no spaces or control characters, a dotted domain.
// Exchange and Graph reject anything stranger; this only keeps garbage out of API calls and cards.
const address = z
  .string()
  .trim()
  .min(3)
  .max(256)
  .regex(
    /^[^\s@:\\/"'<>()[\],;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/,
    'must be an address like ada@contoso.com',
  )
  .transform((value) => value.toLowerCase());

export const revokeInputSchema = z
  .object({
    /** The user whose rights on other mailboxes are removed (UPN or primary SMTP address). */
    user: address,
    /** Which kinds to remove; default all four. */
    permissionTypes: z
      .array(z.enum(permissionTypes))
      .min(1, 'choose at least one permission type')
      .max(permissionTypes.length * 2)
      .optional(),
    /** Only these mailboxes; default every mailbox in the tenant. */
    targetMailboxes: z
      .array(address)
      .min(1, 'list at least one mailbox or leave the list out for all mailboxes')
      .max(maxTargetMailboxes)
      .optional(),
    /** Remove the user's FullAccess (membership) on shared mailboxes; default true. */
    removeFromShared: z.boolean().optional(),
    ticketId: z
      .string()
      .trim()
      .max(64, 'ticket id is at most 64 characters')
      .regex(ticketIdPattern, 'ticket id may hold letters, digits and . _ # / - only')
      .optional(),
  })
  .strict();

/** The validated, normalised input: defaults applied, lists de-duplicated, addresses lower-cased. */
export interface RevokeInput {
  user: string;
  permissionTypes: PermissionType[];
  /** Undefined means every mailbox. */
  targetMailboxes?: string[];
  removeFromShared: boolean;
  ticketId?: string;
}

/**
 * Parses raw input (a card's data, a command's options, offboarding options) or throws
 * `InvalidInputError`. `defaultTypes` (the organisation's default scope, else all four) applies when
 * the input names no permission types.
 */
export function parseRevokeInput(
  raw: unknown,
  defaultTypes: readonly PermissionType[] = permissionTypes,
): RevokeInput {
  const parsed = revokeInputSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
      return `${field}: ${issue.message}`;
    });
    throw new InvalidInputError(`Invalid revoke request: ${problems.join('; ')}`);
  }
  const value = parsed.data;
  const types = value.permissionTypes ? [...new Set(value.permissionTypes)] : [...defaultTypes];
  const input: RevokeInput = {
    user: value.user,
    permissionTypes: permissionTypes.filter((type) => types.includes(type)),
    removeFromShared: value.removeFromShared ?? true,
  };
  if (value.targetMailboxes) input.targetMailboxes = [...new Set(value.targetMailboxes)];
  if (value.ticketId !== undefined && value.ticketId !== '') input.ticketId = value.ticketId;
  if (input.targetMailboxes?.includes(input.user)) {
    throw new InvalidInputError(
      `Invalid revoke request: targetMailboxes: ${input.user} is the user's own mailbox, not another mailbox`,
    );
  }
  return input;
}

function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * The revoke request carried by any flow's input, so one registered step group serves every flow: a
 * stand-alone revoke run stores a `RevokeInput` (its types chosen when it was created); an offboarding
 * (or containment) run stores its leaver, whose rights of the `defaultTypes` (the organisation's
 * default scope, else every kind) on every mailbox, shared included, are removed.
 */
export function revokeInputOf(
  input: unknown,
  defaultTypes: readonly PermissionType[] = permissionTypes,
): RevokeInput {
  const leaverUpn = fieldOf(fieldOf(input, 'leaver'), 'userPrincipalName');
  if (typeof leaverUpn === 'string') return parseRevokeInput({ user: leaverUpn }, defaultTypes);
  return parseRevokeInput(input, defaultTypes);
}
