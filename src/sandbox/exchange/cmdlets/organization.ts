/**
 * Read-only organisation cmdlets of the v2.0 surface: Get-OrganizationConfig, Get-AcceptedDomain,
 * Get-DistributionGroupMember and Get-DynamicDistributionGroupMember.
 */
import type { GroupRecord } from '../../state/directory-types.js';
import type { Tenant } from '../../state/tenant.js';
import { readResult, type CmdletDefinition } from '../cmdlet.js';
import { objectNotFound } from '../errors.js';
import { resolveRecipient } from '../recipients.js';
import { ExoObjectBuilder, type ExoObject } from '../response.js';

export const getOrganizationConfig: CmdletDefinition = {
  name: 'Get-OrganizationConfig',
  params: [],
  run({ tenant }) {
    const org = new ExoObjectBuilder()
      .value('Identity', tenant.info.initialDomain)
      .value('Name', tenant.info.initialDomain)
      .value('DisplayName', tenant.info.displayName)
      .value('MailTipsAllTipsEnabled', true)
      .value('MailTipsExternalRecipientsTipsEnabled', false)
      .value('MailTipsGroupMetricsEnabled', true)
      .value('MailTipsLargeAudienceThreshold', 25)
      .value('MailTipsMailboxSourcedTipsEnabled', true)
      .value('IsDehydrated', false)
      .guid('Guid', tenant.tenantId)
      .build();
    return readResult([org], undefined);
  },
};

function domainObject(tenant: Tenant, domain: string): ExoObject {
  return new ExoObjectBuilder()
    .value('Identity', domain)
    .value('Name', domain)
    .value('DomainName', domain)
    .value('DomainType', 'Authoritative')
    .value('Default', domain === tenant.info.domain)
    .value('InitialDomain', domain === tenant.info.initialDomain)
    .build();
}

export const getAcceptedDomain: CmdletDefinition = {
  name: 'Get-AcceptedDomain',
  params: [
    { name: 'Identity', kind: 'string' },
    { name: 'ResultSize', kind: 'resultSize' },
  ],
  run({ tenant }, p) {
    const domains = [...new Set([tenant.info.domain, tenant.info.initialDomain])];
    const identity = p.string('Identity');
    if (identity !== undefined) {
      const match = domains.find((d) => d.toLowerCase() === identity.trim().toLowerCase());
      if (match === undefined) throw objectNotFound(identity);
      return readResult([domainObject(tenant, match)], undefined);
    }
    return readResult(
      domains.map((d) => domainObject(tenant, d)),
      p.limit('ResultSize'),
    );
  },
};

function memberObject(tenant: Tenant, id: string): ExoObject | null {
  const user = tenant.directory.getUser(id);
  if (user) {
    const mailbox = tenant.exchange.getMailbox(id);
    return new ExoObjectBuilder()
      .value('Identity', mailbox?.name ?? user.mailNickname)
      .value('Name', mailbox?.name ?? user.mailNickname)
      .value('DisplayName', user.displayName)
      .value('PrimarySmtpAddress', mailbox?.primarySmtpAddress ?? user.mail)
      .value('RecipientType', mailbox ? 'UserMailbox' : 'MailUser')
      .value('RecipientTypeDetails', mailbox?.recipientTypeDetails ?? 'MailUser')
      .value('ExternalDirectoryObjectId', id)
      .build();
  }
  const group = tenant.directory.getGroup(id);
  if (!group || !group.mailEnabled) return null;
  return new ExoObjectBuilder()
    .value('Identity', group.mailNickname)
    .value('Name', group.mailNickname)
    .value('DisplayName', group.displayName)
    .value('PrimarySmtpAddress', group.mail)
    .value(
      'RecipientType',
      group.securityEnabled ? 'MailUniversalSecurityGroup' : 'MailUniversalDistributionGroup',
    )
    .value(
      'RecipientTypeDetails',
      group.securityEnabled ? 'MailUniversalSecurityGroup' : 'MailUniversalDistributionGroup',
    )
    .value('ExternalDirectoryObjectId', id)
    .build();
}

/** Distribution groups and mail-enabled security groups (not Microsoft 365 groups). */
export function isDistributionGroup(g: GroupRecord): boolean {
  return g.mailEnabled && !g.groupTypes.includes('Unified') && !g.groupTypes.includes('DynamicMembership');
}

export const getDistributionGroupMember: CmdletDefinition = {
  name: 'Get-DistributionGroupMember',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'ResultSize', kind: 'resultSize' },
  ],
  run({ tenant }, p) {
    const identity = p.requiredString('Identity');
    const r = resolveRecipient(tenant, identity);
    if (r.kind !== 'group' || !isDistributionGroup(r.group)) throw objectNotFound(identity);
    const objects = tenant.directory
      .members(r.group.id)
      .map((id) => memberObject(tenant, id))
      .filter((o): o is ExoObject => o !== null);
    return readResult(objects, p.limit('ResultSize'));
  },
};

/** Dynamic distribution groups are not part of the tenant model: every identity is "not found". */
export const getDynamicDistributionGroupMember: CmdletDefinition = {
  name: 'Get-DynamicDistributionGroupMember',
  params: [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: 'ResultSize', kind: 'resultSize' },
  ],
  run(_ctx, p) {
    throw objectNotFound(p.requiredString('Identity'));
  },
};
