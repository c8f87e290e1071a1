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

export function objectNotFound(identity: string): ExoCmdletError {
  return new ExoCmdletError(
    404,
    'Ex6F9304',
    'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    `The operation couldn't be performed because object '${identity}' couldn't be found on '${DC_NAME}'.`,
  );
}

export function objectAmbiguous(identity: string): ExoCmdletError {
  return new ExoCmdletError(
    400,
    'Ex0C2F7E',
    'Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException',
    `The operation couldn't be performed because '${identity}' matches multiple entries.`,
  );
}

/** Folder identity that resolves to no folder (wrong or non-localized folder name). */
export function folderNotFound(identity: string): ExoCmdletError {
  return new ExoCmdletError(
    404,
    'Ex8D4B2C',
    'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    `The operation couldn't be performed because '${identity}' couldn't be found.`,
  );
}

export function commandNotFound(cmdletName: string): ExoCmdletError {
  return new ExoCmdletError(
    400,
    'Ex1B2D3A',
    'System.Management.Automation.CommandNotFoundException',
    `The term '${cmdletName}' is not recognized as a name of a cmdlet, function, script file, or executable program.`,
  );
}

export function parameterNotFound(parameterName: string): ExoCmdletError {
  return new ExoCmdletError(
    400,
    'Ex5C1E9B',
    'System.Management.Automation.ParameterBindingException',
    `A parameter cannot be found that matches parameter name '${parameterName}'.`,
  );
}

export function parameterMissing(cmdletName: string, parameterName: string): ExoCmdletError {
  return new ExoCmdletError(
    400,
    'Ex7A3F10',
    'System.Management.Automation.ParameterBindingException',
    `Cannot process command because of one or more missing mandatory parameters: ${parameterName}. (${cmdletName})`,
  );
}

export function invalidParameter(parameterName: string, reason: string): ExoCmdletError {
  return new ExoCmdletError(
    400,
    'Ex2E4D88',
    'System.Management.Automation.ParameterBindingException',
    `Cannot bind parameter '${parameterName}'. ${reason}`,
  );
}

/** A request the gateway refuses before any cmdlet runs (bad envelope, bad paging token). */
export function badRequest(message: string): ExoCmdletError {
  return new ExoCmdletError(
    400,
    'Ex9F0A11',
    'Microsoft.Exchange.Admin.OData.Core.ODataServiceException',
    message,
  );
}

export function invalidOperation(errorId: string, message: string): ExoCmdletError {
  return new ExoCmdletError(400, errorId, 'System.InvalidOperationException', message);
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
  return new ExoCmdletError(
    400,
    'Ex3B9C21',
    'Microsoft.Exchange.Configuration.Tasks.TaskInvalidOperationException',
    `The action 'Set-Mailbox', 'LitigationHoldEnabled', can't be performed on the user '${name}'. ` +
      `Your Microsoft Exchange Online license doesn't permit you to put a litigation hold on this mailbox.`,
  );
}

export function folderPermissionExists(userName: string): ExoCmdletError {
  return new ExoCmdletError(
    400,
    'ExA4C0F2',
    'Microsoft.Exchange.Management.StoreTasks.UserAlreadyExistsInPermissionEntryException',
    `An existing permission entry was found for user: ${userName}.`,
  );
}

export function folderPermissionMissing(userName: string): ExoCmdletError {
  return new ExoCmdletError(
    400,
    'ExB71E3D',
    'Microsoft.Exchange.Management.StoreTasks.UserNotFoundInPermissionEntryException',
    `There is no existing permission entry found for user: ${userName}.`,
  );
}
