/** Entra ID (Microsoft Graph) user reads: lookups, search, the management chain. Read-only. */
import type { IdentityUser } from './identity.js';

export type UserSearchResult =
  | { kind: 'found'; user: IdentityUser }
  | { kind: 'ambiguous'; choices: IdentityUser[] }
  | { kind: 'not-found'; suggestions: IdentityUser[] };

export interface Users {
  /** By object id, UPN or mail; null when absent. */
  getUser(idOrUpn: string): Promise<IdentityUser | null>;
  /** Resolve free text: UPN, mail, id, or a display-name search returning choices or suggestions. */
  resolveUser(query: string): Promise<UserSearchResult>;
  /** Users whose employeeId equals the value (rehire detection). */
  findByEmployeeId(employeeId: string): Promise<IdentityUser[]>;
  getManager(userId: string): Promise<IdentityUser | null>;
  /** Manager, manager's manager, … up to `maxDepth`. */
  getManagerChain(userId: string, maxDepth?: number): Promise<IdentityUser[]>;
  getDirectReports(userId: string): Promise<IdentityUser[]>;
}
