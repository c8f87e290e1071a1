/**
 * Membership of distribution groups and mail-enabled security groups, which Graph can't change
 * (graph.md §7): Remove-/Add-DistributionGroupMember through InvokeCommand. The app is never the group's
 * manager (ManagedBy), so both pass `BypassSecurityGroupManagerCheck`. Values travel as JSON parameters.
 */
import type { Logger } from 'pino';
import type { ExchangeAdminClient } from './exchange-admin-client.js';
import { exchangeFailureOf } from './exchange-errors.js';
import { logWarnings } from './exchange-mailbox-settings.js';
import { assertMailboxIdentity, assertPrincipal } from './mailbox-identity.js';

function failureMatches(error: unknown, pattern: RegExp): boolean {
  const failure = exchangeFailureOf(error);
  return failure !== undefined && (pattern.test(failure.exceptionType ?? '') || pattern.test(failure.text));
}

export class ExchangeDistributionGroups {
  constructor(
    private readonly client: ExchangeAdminClient,
    private readonly logger: Logger,
  ) {}

  /** "isn't a member of the group" (MemberNotFoundException) means it is already done. */
  async removeMember(group: string, member: string): Promise<void> {
    const parameters = {
      Identity: assertMailboxIdentity(group),
      Member: assertPrincipal(member, 'member'),
      BypassSecurityGroupManagerCheck: true,
      Confirm: false,
    };
    try {
      logWarnings(
        this.logger,
        await this.client.invoke('Remove-DistributionGroupMember', parameters),
        'Remove-DistributionGroupMember',
      );
    } catch (error) {
      if (failureMatches(error, /MemberNotFoundException|isn't a member of the group/i)) return;
      throw error;
    }
  }

  /** "is already a member of the group" (MemberAlreadyExistsException) means it is already done. */
  async addMember(group: string, member: string): Promise<void> {
    const parameters = {
      Identity: assertMailboxIdentity(group),
      Member: assertPrincipal(member, 'member'),
      BypassSecurityGroupManagerCheck: true,
    };
    try {
      logWarnings(
        this.logger,
        await this.client.invoke('Add-DistributionGroupMember', parameters),
        'Add-DistributionGroupMember',
      );
    } catch (error) {
      if (failureMatches(error, /MemberAlreadyExistsException|already a member of the group/i)) return;
      throw error;
    }
  }
}
