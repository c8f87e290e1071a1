/** What a cmdlet implementation is: its whitelisted parameters and a synchronous run over the tenant state. */
import type { Tenant } from '../state/tenant.js';
import type { BoundParameters, Limit, ParamSpec } from './binding.js';
import type { ExoObject } from './response.js';
import type { RetentionSettingsStore } from './retention-settings.js';

export interface CmdletContext {
  tenant: Tenant;
  /** Display name of the calling application (Exchange records it as LitigationHoldOwner). */
  callerName: string;
  retention: RetentionSettingsStore;
  /** Names a write for the request log (e.g. `exo.remove-mailbox-permission`). */
  recordWrite: (operation: string) => void;
}

export interface CmdletResult {
  objects: ExoObject[];
  warnings: string[];
  /** ResultSize: how many of `objects` the caller asked for in total (paging cuts pages from these). */
  limit: Limit;
  /** A write that changed nothing (reported by a warning): the request log does not count it as applied. */
  isNoop: boolean;
}

export interface CmdletDefinition {
  /** Canonical spelling, e.g. `Get-MailboxPermission`. */
  name: string;
  params: readonly ParamSpec[];
  run(ctx: CmdletContext, params: BoundParameters): CmdletResult;
}

/** Switches every state-changing cmdlet accepts and ignores (ShouldProcess / preference parameters). */
export const WRITE_COMMON_PARAMS: readonly ParamSpec[] = [{ name: 'Confirm', kind: 'bool' }];

/** PowerShell's default ResultSize for Get-* cmdlets. */
export const DEFAULT_RESULT_SIZE = 1000;

export const RESULT_SIZE_WARNING =
  'By default, only the first 1000 items are returned. Use the ResultSize parameter to specify the number of ' +
  'items returned. To return all items, specify "-ResultSize Unlimited". Be aware that, depending on the actual ' +
  'number of items, returning all items can take a long time and consume a large amount of memory.';

/** A write's result. Every write warning reports a no-op (already present, absent, nothing modified). */
export function writeResult(objects: ExoObject[] = [], warnings: string[] = []): CmdletResult {
  return { objects, warnings, limit: 'Unlimited', isNoop: warnings.length > 0 };
}

/** A read's result with the cmdlet's ResultSize (default 1000 with PowerShell's warning when cut short). */
export function readResult(objects: ExoObject[], resultSize: Limit | undefined): CmdletResult {
  const limit = resultSize ?? DEFAULT_RESULT_SIZE;
  const warnings =
    resultSize === undefined && objects.length > DEFAULT_RESULT_SIZE ? [RESULT_SIZE_WARNING] : [];
  return { objects, warnings, limit, isNoop: false };
}
