import { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { Accounts, DeletedUser } from '../../core/ports/accounts.js';
import type { GraphApi } from './graph-api.js';
import { assertObjectId, buildQueryString, userKeySegment } from './odata-query.js';
import { randomPassword } from './random-password.js';

const syncStateSchema = z.object({ id: z.string(), onPremisesSyncEnabled: z.boolean().nullish() });
const deletedItemSchema = z.object({ id: z.string() });
const deletedUserSchema = z.object({
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string().nullish(),
  deletedDateTime: z.string(),
});

/** Sign-in and lifecycle writes on a user: enable/disable, sessions, password, usage location, delete. */
export class GraphAccountControl implements Accounts {
  constructor(private readonly api: GraphApi) {}

  /** PATCH accountEnabled (User.EnableDisableAccount.All + User.Read.All). Idempotent. */
  async setAccountEnabled(userId: string, isEnabled: boolean): Promise<void> {
    await this.api.patch(
      `/users${userKeySegment(userId)}`,
      { accountEnabled: isEnabled },
      {
        what: `${isEnabled ? 'Enable' : 'Disable'} account ${userId}`,
      },
    );
  }

  /** Any 2xx is success: the service documents 204 but answers 200 `{ value: true }`. */
  async revokeSignInSessions(userId: string): Promise<void> {
    await this.api.postNoContent(
      `/users${userKeySegment(userId)}/revokeSignInSessions`,
      {},
      {
        what: `Revoke sign-in sessions of ${userId}`,
      },
    );
  }

  /**
   * Sets a random password through passwordProfile, the only app-only route. Synced users are
   * refused up front: their password is mastered in AD and Entra would answer 400.
   */
  async resetPassword(userId: string): Promise<void> {
    const user = await this.api.get(
      `/users${userKeySegment(userId)}${buildQueryString({ $select: 'id,onPremisesSyncEnabled' })}`,
      syncStateSchema,
      { what: `Read sync state of ${userId}` },
    );
    if (user.onPremisesSyncEnabled === true) {
      throw new ConflictError(
        `User ${userId} is synced from on-premises AD: reset the password in AD, not in Entra ID`,
      );
    }
    await this.api.patch(
      `/users${userKeySegment(userId)}`,
      { passwordProfile: { forceChangePasswordNextSignIn: true, password: randomPassword() } },
      { what: `Reset password of ${userId}` },
    );
  }

  async setUsageLocation(userId: string, countryCode: string): Promise<void> {
    const code = countryCode.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(code))
      throw new InvalidInputError(
        `Usage location must be an ISO 3166 alpha-2 code, got ${JSON.stringify(countryCode)}`,
      );
    await this.api.patch(
      `/users${userKeySegment(userId)}`,
      { usageLocation: code },
      { what: `Set usage location of ${userId}` },
    );
  }

  /** Soft delete (30 days in deleted items). Repeating it is "done" when the user is in deleted items. */
  async deleteUser(userId: string): Promise<void> {
    const id = assertObjectId(userId, 'user id');
    try {
      await this.api.delete(`/users/${id}`, { what: `Delete user ${id}` });
    } catch (error) {
      if (error instanceof NotFoundError && (await this.isDeleted(id))) return;
      throw error;
    }
  }

  /** Restores from deleted items. Repeating it is "done" when the user is active again. */
  async restoreUser(userId: string): Promise<void> {
    const id = assertObjectId(userId, 'user id');
    try {
      await this.api.postNoContent(
        `/directory/deletedItems/${id}/restore`,
        {},
        { what: `Restore user ${id}` },
      );
    } catch (error) {
      if (error instanceof NotFoundError) {
        const active = await this.api.getOrNull(`/users/${id}?$select=id`, deletedItemSchema, {
          what: `Read user ${id}`,
        });
        if (active !== null) return;
      }
      throw error;
    }
  }

  /** `GET /directory/deletedItems/{id}` (User.DeleteRestore.All or User.Read.All); null on 404. */
  async getDeletedUser(userId: string): Promise<DeletedUser | null> {
    const id = assertObjectId(userId, 'user id');
    const item = await this.api.getOrNull(
      `/directory/deletedItems/${id}${buildQueryString({ $select: 'id,userPrincipalName,displayName,deletedDateTime' })}`,
      deletedUserSchema,
      { what: `Read deleted user ${id}` },
    );
    if (!item) return null;
    return {
      id: item.id,
      userPrincipalName: item.userPrincipalName,
      displayName: item.displayName ?? item.userPrincipalName,
      deletedDateTime: item.deletedDateTime,
    };
  }

  private async isDeleted(id: string): Promise<boolean> {
    const item = await this.api.getOrNull(`/directory/deletedItems/${id}?$select=id`, deletedItemSchema, {
      what: `Read deleted item ${id}`,
    });
    return item !== null;
  }
}
