/**
 * What the permission cmdlets share: the mandatory Identity / trustee / AccessRights parameters, and the
 * Add-/Remove- pair of a mailbox right (FullAccess through MailboxPermission, SendAs through
 * RecipientPermission), where a right already present or already absent is a warning, not an error.
 */
import type { MailboxRecord, MailboxRightKind } from '../../state/exchange-types.js';
import type { GrantOptions } from '../../state/exchange-store.js';
import type { Tenant } from '../../state/tenant.js';
import type { BoundParameters, ParamSpec } from '../binding.js';
import { WRITE_COMMON_PARAMS, writeResult, type CmdletDefinition } from '../cmdlet.js';
import { recipientId, resolveMailbox, resolveRecipient, trusteeLabel } from '../recipients.js';
import type { ExoObject } from '../response.js';

/** The parameter naming the trustee: `User` (Mailbox[Folder]Permission) or `Trustee` (RecipientPermission). */
export type TrusteeParam = 'User' | 'Trustee';

/** Identity, the trustee and AccessRights (all mandatory), the cmdlet's own parameters, then the common ones. */
export function permissionWriteParams(
  trusteeParam: TrusteeParam,
  accessRights: readonly string[],
  own: readonly ParamSpec[] = [],
): ParamSpec[] {
  return [
    { name: 'Identity', kind: 'string', isMandatory: true },
    { name: trusteeParam, kind: 'string', isMandatory: true },
    { name: 'AccessRights', kind: 'stringList', isMandatory: true, values: accessRights },
    ...own,
    ...WRITE_COMMON_PARAMS,
  ];
}

export function aceAlreadyPresentWarning(objectName: string, account: string): string {
  return `The appropriate access control entry is already present on object "${objectName}" for account "${account}".`;
}

/** A right on a mailbox as a write names it: the mailbox (Identity) and the trustee's recipient id. */
export interface RightTarget {
  tenant: Tenant;
  mailbox: MailboxRecord;
  trusteeId: string;
}

interface WriteSpec {
  name: string;
  /** The write's name in the request log, e.g. `exo.add-mailbox-permission`. */
  operation: string;
  /** Parameters after Identity, the trustee and AccessRights. */
  params: readonly ParamSpec[];
}

export interface RightCmdletsSpec {
  add: WriteSpec & {
    grantOptions?: (p: BoundParameters) => GrantOptions;
    /** The entry the cmdlet echoes (also when it was already there). */
    echo: (target: RightTarget, options: GrantOptions) => ExoObject;
  };
  remove: WriteSpec & { absentWarning: (objectName: string, account: string) => string };
}

/**
 * The Add- and Remove- cmdlets of one kind of mailbox right, whose trustee parameter is `trusteeParam`.
 * AccessRights accepts only that right (the others are refused at binding).
 */
export function mailboxRightCmdlets(
  kind: MailboxRightKind,
  trusteeParam: TrusteeParam,
  spec: RightCmdletsSpec,
): { add: CmdletDefinition; remove: CmdletDefinition } {
  /** Logs the write and resolves the mailbox, then the trustee; `change` tells whether it was a no-op. */
  const write = (
    cmdlet: WriteSpec,
    noopWarning: (objectName: string, account: string) => string,
    change: (target: RightTarget, p: BoundParameters) => { isNoop: boolean; objects: ExoObject[] },
  ): CmdletDefinition => ({
    name: cmdlet.name,
    params: permissionWriteParams(trusteeParam, [kind], cmdlet.params),
    run({ tenant, recordWrite }, p) {
      recordWrite(cmdlet.operation);
      const mailbox = resolveMailbox(tenant, p.requiredString('Identity'));
      const trusteeId = recipientId(resolveRecipient(tenant, p.requiredString(trusteeParam)));
      const { isNoop, objects } = change({ tenant, mailbox, trusteeId }, p);
      const warnings = isNoop ? [noopWarning(mailbox.name, trusteeLabel(tenant, trusteeId))] : [];
      return writeResult(objects, warnings);
    },
  });
  const add = write(spec.add, aceAlreadyPresentWarning, (target, p) => {
    const options = spec.add.grantOptions?.(p) ?? {};
    const outcome = target.tenant.exchange.grantRight(kind, target.mailbox.userId, target.trusteeId, options);
    return { isNoop: outcome === 'exists', objects: [spec.add.echo(target, options)] };
  });
  const remove = write(spec.remove, spec.remove.absentWarning, (target) => {
    const outcome = target.tenant.exchange.revokeRight(kind, target.mailbox.userId, target.trusteeId);
    return { isNoop: outcome === 'absent', objects: [] };
  });
  return { add, remove };
}
