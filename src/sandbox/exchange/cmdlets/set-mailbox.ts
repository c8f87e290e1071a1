/**
 * Set-Mailbox: type conversion, GrantSendOnBehalfTo (overwrite or `{add, remove}`), litigation hold, GAL
 * visibility and forwarding. Every value is validated and resolved before anything changes, so a failed call
 * changes nothing; a call that changes nothing returns Exchange's "no settings … modified" warning.
 */
import type { MailboxRecord, RecipientTypeDetails } from '../../state/exchange-types.js';
import type { Tenant } from '../../state/tenant.js';
import type { BoundParameters, ParamSpec } from '../binding.js';
import { WRITE_COMMON_PARAMS, writeResult, type CmdletDefinition } from '../cmdlet.js';
import { invalidParameter, litigationHoldNotLicensed, outOfWriteScope } from '../errors.js';
import { canHoldMailbox } from '../hold-licence.js';
import { recipientId, resolveMailbox, resolveRecipient } from '../recipients.js';

/** The v2.0 Mailbox endpoint whitelist for Set-Mailbox (SendOnBehalf only). */
export const SET_MAILBOX_V2_PARAMS = ['Identity', 'GrantSendOnBehalfTo', 'Confirm'];

const TYPES: Record<string, RecipientTypeDetails> = {
  Regular: 'UserMailbox',
  Shared: 'SharedMailbox',
  Room: 'RoomMailbox',
  Equipment: 'EquipmentMailbox',
};

const params: readonly ParamSpec[] = [
  { name: 'Identity', kind: 'string', isMandatory: true },
  { name: 'Type', kind: 'string', values: Object.keys(TYPES) },
  { name: 'GrantSendOnBehalfTo', kind: 'multiValued' },
  { name: 'LitigationHoldEnabled', kind: 'bool' },
  { name: 'LitigationHoldDuration', kind: 'duration' },
  { name: 'LitigationHoldOwner', kind: 'nullableString' },
  { name: 'RetentionComment', kind: 'nullableString' },
  { name: 'RetentionUrl', kind: 'nullableString' },
  { name: 'HiddenFromAddressListsEnabled', kind: 'bool' },
  { name: 'ForwardingAddress', kind: 'nullableString' },
  { name: 'ForwardingSmtpAddress', kind: 'nullableString' },
  { name: 'DeliverToMailboxAndForward', kind: 'bool' },
  ...WRITE_COMMON_PARAMS,
];

export function noSettingsModifiedWarning(identity: string): string {
  return `The command completed successfully but no settings of '${identity}' have been modified.`;
}

const SMTP =
  /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

function forwardingSmtp(value: string | null): string | null {
  if (value === null || value === '') return null;
  const address = value.replace(/^smtp:/i, '');
  if (!SMTP.test(address)) {
    throw invalidParameter('ForwardingSmtpAddress', `"${value}" isn't a valid SMTP address.`);
  }
  return `smtp:${address}`;
}

/** The new SendOnBehalf trustee set, or null when the parameter was not sent. */
function sendOnBehalfTarget(tenant: Tenant, mailbox: MailboxRecord, p: BoundParameters): Set<string> | null {
  const change = p.change('GrantSendOnBehalfTo');
  if (change === undefined) return null;
  const resolve = (values: string[]) => values.map((v) => recipientId(resolveRecipient(tenant, v)));
  if (change.replace !== null) return new Set(resolve(change.replace));
  const current = new Set(
    [...tenant.exchange.rightsOn(mailbox.userId, 'SendOnBehalf')].map((r) => r.trusteeId),
  );
  for (const id of resolve(change.add)) current.add(id);
  for (const id of resolve(change.remove)) current.delete(id);
  return current;
}

interface Plan {
  patch: Partial<Omit<MailboxRecord, 'userId'>>;
  sendOnBehalf: Set<string> | null;
  retention: { comment: string | null; url: string | null } | null;
}

function planChanges(tenant: Tenant, m: MailboxRecord, p: BoundParameters, callerName: string): Plan {
  const patch: Plan['patch'] = {};
  const type = p.string('Type');
  if (type !== undefined) patch.recipientTypeDetails = TYPES[type] ?? m.recipientTypeDetails;
  const hidden = p.bool('HiddenFromAddressListsEnabled');
  if (hidden !== undefined) {
    if (m.isDirSynced) throw outOfWriteScope(m.displayName, 'Set-Mailbox', 'HiddenFromAddressListsEnabled');
    patch.hiddenFromAddressListsEnabled = hidden;
  }
  const holdEnabled = p.bool('LitigationHoldEnabled');
  const duration = p.limit('LitigationHoldDuration');
  const owner = p.nullableString('LitigationHoldOwner');
  if (holdEnabled !== undefined || duration !== undefined || owner !== undefined) {
    const hold = { ...m.litigationHold };
    if (holdEnabled === true && !m.litigationHold.enabled) {
      if (!canHoldMailbox(tenant, m.userId)) throw litigationHoldNotLicensed(m.name);
      hold.enabled = true;
      hold.date = tenant.nowIso();
      hold.owner = callerName;
    } else if (holdEnabled === false && m.litigationHold.enabled) {
      hold.enabled = false;
      hold.date = null;
    }
    if (duration !== undefined) hold.duration = duration;
    if (owner !== undefined) hold.owner = owner;
    patch.litigationHold = hold;
  }
  const fwd = p.nullableString('ForwardingAddress');
  if (fwd !== undefined)
    patch.forwardingAddress = fwd === null || fwd === '' ? null : recipientId(resolveRecipient(tenant, fwd));
  const fwdSmtp = p.nullableString('ForwardingSmtpAddress');
  if (fwdSmtp !== undefined) patch.forwardingSmtpAddress = forwardingSmtp(fwdSmtp);
  const deliver = p.bool('DeliverToMailboxAndForward');
  if (deliver !== undefined) patch.deliverToMailboxAndForward = deliver;
  const comment = p.nullableString('RetentionComment');
  const url = p.nullableString('RetentionUrl');
  return {
    patch,
    sendOnBehalf: sendOnBehalfTarget(tenant, m, p),
    retention:
      comment === undefined && url === undefined ? null : { comment: comment ?? null, url: url ?? null },
  };
}

function isSame(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const setMailbox: CmdletDefinition = {
  name: 'Set-Mailbox',
  params,
  run({ tenant, recordWrite, retention, callerName }, p) {
    recordWrite('exo.set-mailbox');
    const identity = p.requiredString('Identity');
    const m = resolveMailbox(tenant, identity);
    const plan = planChanges(tenant, m, p, callerName);
    let isChanged = false;

    const changedPatch: Plan['patch'] = {};
    for (const [key, value] of Object.entries(plan.patch) as [keyof Plan['patch'], unknown][]) {
      if (!isSame(m[key], value)) Object.assign(changedPatch, { [key]: value });
    }
    if (Object.keys(changedPatch).length > 0) {
      tenant.exchange.updateMailbox(m.userId, changedPatch);
      isChanged = true;
    }
    if (plan.sendOnBehalf !== null) {
      const target = plan.sendOnBehalf;
      const existing = tenant.exchange.rightsOn(m.userId, 'SendOnBehalf').map((r) => r.trusteeId);
      for (const id of existing) {
        if (!target.has(id) && tenant.exchange.revokeRight('SendOnBehalf', m.userId, id) === 'removed')
          isChanged = true;
      }
      for (const id of target) {
        if (tenant.exchange.grantRight('SendOnBehalf', m.userId, id) === 'added') isChanged = true;
      }
    }
    if (plan.retention !== null) {
      const before = retention.get(m.userId);
      const after = {
        comment: p.has('RetentionComment') ? plan.retention.comment : before.comment,
        url: p.has('RetentionUrl') ? plan.retention.url : before.url,
      };
      if (!isSame(before, after)) {
        retention.set(m.userId, after);
        isChanged = true;
      }
    }
    return writeResult([], isChanged ? [] : [noSettingsModifiedWarning(identity)]);
  },
};
