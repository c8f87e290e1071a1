/**
 * Cmdlet errors of the Exchange admin API, in the OData error envelope both surfaces use:
 * `{"error":{"code","message","details":[{"code":"Client","target":"","message":"<ErrorId>|<.NET type>|<text>"}],
 * "innererror":{"message","type","stacktrace"}}}`.
 *
 * HTTP statuses are simulator assumptions (the sources do not pin them down): 404 for an object that does not
 * resolve, 400 for parameter binding and validation errors and for refused operations.
 */

export interface ExoErrorBody {
  error: {
    code: string;
    message: string;
    details: { code: string; target: string; message: string }[];
    innererror: { message: string; type: string; stacktrace: string };
  };
}

/** A cmdlet failure: the route turns it into the documented error envelope. */
export class ExoCmdletError extends Error {
  constructor(
    readonly status: number,
    /** Exchange error id, e.g. `Ex6F9304`. */
    readonly errorId: string,
    /** The .NET exception type, e.g. `Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException`. */
    readonly exceptionType: string,
    message: string,
  ) {
    super(message);
    this.name = 'ExoCmdletError';
  }

  toBody(): ExoErrorBody {
    return {
      error: {
        code: 'InternalServerError',
        message: 'Error executing cmdlet',
        details: [
          { code: 'Client', target: '', message: `${this.errorId}|${this.exceptionType}|${this.message}` },
        ],
        innererror: {
          message: 'Error executing cmdlet',
          type: 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
          stacktrace: '',
        },
      },
    };
  }
}

/** The domain controller name Exchange puts in not-found messages. */
const DC_NAME = 'SN1PR01A001DC01.NAMPR01A001.PROD.OUTLOOK.COM';

const TASKS = 'Microsoft.Exchange.Configuration.Tasks';
const STORE_TASKS = 'Microsoft.Exchange.Management.StoreTasks';
const AUTOMATION = 'System.Management.Automation';

/** An object that does not resolve: 404. */
function notFound(errorId: string, message: string): ExoCmdletError {
  return new ExoCmdletError(404, errorId, `${TASKS}.ManagementObjectNotFoundException`, message);
}

/** Binding, validation and refused operations: 400. */
function refused(errorId: string, exceptionType: string, message: string): ExoCmdletError {
  return new ExoCmdletError(400, errorId, exceptionType, message);
}

export function objectNotFound(identity: string): ExoCmdletError {
  return notFound(
    'Ex6F9304',
    `The operation couldn't be performed because object '${identity}' couldn't be found on '${DC_NAME}'.`,
  );
}

export function objectAmbiguous(identity: string): ExoCmdletError {
  const message = `The operation couldn't be performed because '${identity}' matches multiple entries.`;
  return refused('Ex0C2F7E', `${TASKS}.ManagementObjectAmbiguousException`, message);
}

/** Folder identity that resolves to no folder (wrong or non-localized folder name). */
export function folderNotFound(identity: string): ExoCmdletError {
  return notFound('Ex8D4B2C', `The operation couldn't be performed because '${identity}' couldn't be found.`);
}

export function commandNotFound(cmdletName: string): ExoCmdletError {
  const message = `The term '${cmdletName}' is not recognized as a name of a cmdlet, function, script file, or executable program.`;
  return refused('Ex1B2D3A', `${AUTOMATION}.CommandNotFoundException`, message);
}

export function parameterNotFound(parameterName: string): ExoCmdletError {
  const message = `A parameter cannot be found that matches parameter name '${parameterName}'.`;
  return refused('Ex5C1E9B', `${AUTOMATION}.ParameterBindingException`, message);
}

export function parameterMissing(cmdletName: string, parameterName: string): ExoCmdletError {
  const message = `Cannot process command because of one or more missing mandatory parameters: ${parameterName}. (${cmdletName})`;
  return refused('Ex7A3F10', `${AUTOMATION}.ParameterBindingException`, message);
}

export function invalidParameter(parameterName: string, reason: string): ExoCmdletError {
  const message = `Cannot bind parameter '${parameterName}'. ${reason}`;
  return refused('Ex2E4D88', `${AUTOMATION}.ParameterBindingException`, message);
}

/** A request the gateway refuses before any cmdlet runs (bad envelope, bad paging token). */
export function badRequest(message: string): ExoCmdletError {
  return refused('Ex9F0A11', 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', message);
}

export function invalidOperation(errorId: string, message: string): ExoCmdletError {
  return refused(errorId, 'System.InvalidOperationException', message);
}

/** Synced attribute written in the cloud (Set-Mailbox -HiddenFromAddressListsEnabled on a dir-synced mailbox). */
export function outOfWriteScope(
  displayName: string,
  cmdletName: string,
  parameterName: string,
): ExoCmdletError {
  return invalidOperation(
    'Ex0D33F5',
    `The operation on mailbox "${displayName}" failed because it's out of the current user's write scope. ` +
      `The action '${cmdletName}', '${parameterName}', can't be performed on the object '${displayName}' because ` +
      `the object is being synchronized from your on-premises organization. This action should be performed on ` +
      `the object in your on-premises organization.`,
  );
}

export function litigationHoldNotLicensed(name: string): ExoCmdletError {
  const message =
    `The action 'Set-Mailbox', 'LitigationHoldEnabled', can't be performed on the user '${name}'. ` +
    `Your Microsoft Exchange Online license doesn't permit you to put a litigation hold on this mailbox.`;
  return refused('Ex3B9C21', `${TASKS}.TaskInvalidOperationException`, message);
}

export function folderPermissionExists(userName: string): ExoCmdletError {
  const message = `An existing permission entry was found for user: ${userName}.`;
  return refused('ExA4C0F2', `${STORE_TASKS}.UserAlreadyExistsInPermissionEntryException`, message);
}

export function folderPermissionMissing(userName: string): ExoCmdletError {
  const message = `There is no existing permission entry found for user: ${userName}.`;
  return refused('ExB71E3D', `${STORE_TASKS}.UserNotFoundInPermissionEntryException`, message);
}

const MANAGEMENT_TASKS = 'Microsoft.Exchange.Management.Tasks';

/** Remove-DistributionGroupMember of a recipient that isn't a member. */
export function memberNotFound(member: string, group: string): ExoCmdletError {
  const message = `The recipient "${member}" isn't a member of the group "${group}".`;
  return refused('ExC41D07', `${MANAGEMENT_TASKS}.MemberNotFoundException`, message);
}

/** Add-DistributionGroupMember of a recipient that already is a member. */
export function memberAlreadyExists(member: string, group: string): ExoCmdletError {
  const message = `The recipient "${member}" is already a member of the group "${group}".`;
  return refused('ExD52E18', `${MANAGEMENT_TASKS}.MemberAlreadyExistsException`, message);
}

/** A membership change by someone who isn't in the group's ManagedBy, without BypassSecurityGroupManagerCheck. */
export function groupManagerRequired(): ExoCmdletError {
  const message =
    "You don't have sufficient permissions. This operation can only be performed by a manager of the group.";
  return refused('ExE63F29', `${MANAGEMENT_TASKS}.OperationRequiresGroupManagerException`, message);
}
