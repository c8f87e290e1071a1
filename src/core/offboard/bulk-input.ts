/**
 * The leavers of a bulk offboarding: one entry per person, by UPN (never a display name: a batch
 * can't stop to ask which "Alex Johnson"), with an optional delegate. Entries come from a CSV
 * (`upn[,delegate]`, parsed outside the core) or a list typed in Teams (`offboard a@x, b@x`).
 */
import { isUserPrincipalName } from '../upn.js';

export interface BulkEntry {
  /** 1-based line (CSV, header = line 1) or position (typed list), for messages. */
  line: number;
  userPrincipalName: string;
  /** Delegate UPN; absent = the manager by default (as for one leaver). */
  delegate?: string;
}

export interface BulkEntryProblem {
  line: number;
  value: string;
  message: string;
}

/** The same shape the single-user flow accepts for forwarding addresses (length first, linear). */
export const isUpnLike = isUserPrincipalName;

/** `a@x, b@x; c@x` (commas, semicolons, spaces or new lines) → entries in order. */
export function parseLeaverList(text: string): BulkEntry[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((userPrincipalName, i) => ({ line: i + 1, userPrincipalName }));
}

/** True when a command argument names several people (`a@x, b@x`) rather than one. */
export function isLeaverList(argument: string): boolean {
  // Every item must look like a UPN: `a@x.com; Remove-Mailbox …` is not a list of leavers.
  const entries = parseLeaverList(argument);
  return (
    entries.length > 1 && /[,;\n]/.test(argument) && entries.every((e) => isUpnLike(e.userPrincipalName))
  );
}

/**
 * Shape checks and de-duplication (case-insensitive; the first occurrence wins). Every problem is
 * reported with its line; valid entries go on.
 */
export function checkEntries(entries: readonly BulkEntry[]): {
  entries: BulkEntry[];
  problems: BulkEntryProblem[];
} {
  const seen = new Map<string, number>();
  const ok: BulkEntry[] = [];
  const problems: BulkEntryProblem[] = [];
  for (const entry of entries) {
    const upn = entry.userPrincipalName.trim();
    const value = upn.slice(0, 80);
    if (!isUpnLike(upn)) {
      problems.push({ line: entry.line, value, message: 'not a user principal name' });
      continue;
    }
    const delegate = entry.delegate?.trim();
    if (delegate !== undefined && delegate !== '' && !isUpnLike(delegate)) {
      problems.push({ line: entry.line, value, message: 'the delegate is not a user principal name' });
      continue;
    }
    const key = upn.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ line: entry.line, value, message: `listed twice (first on line ${first})` });
      continue;
    }
    seen.set(key, entry.line);
    ok.push({
      line: entry.line,
      userPrincipalName: upn,
      ...(delegate !== undefined && delegate !== '' && { delegate }),
    });
  }
  return { entries: ok, problems };
}
