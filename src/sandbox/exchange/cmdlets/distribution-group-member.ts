/**
 * Add-DistributionGroupMember and Remove-DistributionGroupMember: membership of distribution groups and
 * mail-enabled security groups (not Microsoft 365 groups, not dynamic ones). The caller (an app) is never in
 * the group's ManagedBy, so `BypassSecurityGroupManagerCheck` is required; a group synced from on-premises
 * is out of the write scope.
 */
import type { Tenant } from '../../state/tenant.js';
import type { BoundParameters, ParamSpec } from '../binding.js';
import { WRITE_COMMON_PARAMS, writeResult, type CmdletDefinition } from '../cmdlet.js';
import {
  groupManagerRequired,
  memberAlreadyExists,
  memberNotFound,
  objectNotFound,
  outOfWriteScope,
} from '../errors.js';
import { recipientId, resolveRecipient } from '../recipients.js';
import { isDistributionGroup } from './organization.js';

const params: readonly ParamSpec[] = [
  { name: 'Identity', kind: 'string', isMandatory: true },
  { name: 'Member', kind: 'string', isMandatory: true },
  { name: 'BypassSecurityGroupManagerCheck', kind: 'bool' },
  ...WRITE_COMMON_PARAMS,
];

function resolve(tenant: Tenant, p: BoundParameters, cmdletName: string) {
  const identity = p.requiredString('Identity');
  const g = resolveRecipient(tenant, identity);
  if (g.kind !== 'group' || !isDistributionGroup(g.group)) throw objectNotFound(identity);
  const memberText = p.requiredString('Member');
  const member = recipientId(resolveRecipient(tenant, memberText));
  if (g.group.onPremisesSyncEnabled === true)
    throw outOfWriteScope(g.group.displayName, cmdletName, 'Members');
  if (p.bool('BypassSecurityGroupManagerCheck') !== true) throw groupManagerRequired();
  return { group: g.group, member, memberText };
}

export const removeDistributionGroupMember: CmdletDefinition = {
  name: 'Remove-DistributionGroupMember',
  params,
  run({ tenant, recordWrite }, p) {
    recordWrite('exo.remove-distribution-group-member');
    const { group, member, memberText } = resolve(tenant, p, 'Remove-DistributionGroupMember');
    if (tenant.directory.removeMember(group.id, member) === 'absent')
      throw memberNotFound(memberText, group.displayName);
    return writeResult();
  },
};

export const addDistributionGroupMember: CmdletDefinition = {
  name: 'Add-DistributionGroupMember',
  params,
  run({ tenant, recordWrite }, p) {
    recordWrite('exo.add-distribution-group-member');
    const { group, member, memberText } = resolve(tenant, p, 'Add-DistributionGroupMember');
    if (tenant.directory.addMember(group.id, member) === 'exists')
      throw memberAlreadyExists(memberText, group.displayName);
    return writeResult();
  },
};
