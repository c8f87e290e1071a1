/** Entra ID (Microsoft Graph) reporting lines: who manages whom. Reads are on `Users`. */

export interface OrgChart {
  /** Makes `managerId` the manager of `userId` (`PUT /users/{id}/manager/$ref`). Idempotent. */
  setManager(userId: string, managerId: string): Promise<void>;
}
