/**
 * The Exchange Online admin API of the sandbox (host outlook.office365.com):
 * - `POST /adminapi/beta/{tenantIdOrDomain}/InvokeCommand`  (role Exchange.ManageAsApp)
 * - `POST /adminapi/beta/{tenantIdOrDomain}/$batch`         (role Exchange.ManageAsApp)
 * - `POST /adminapi/v2.0/{tenantId}/{Endpoint}`              (role Exchange.ManageAsAppV2)
 */
import { exchangeAudiences } from '../auth/resource-scope.js';
import type {
  RouteContext,
  SandboxRequest,
  SandboxResponse,
  ServiceDefinition,
  ServiceFactory,
} from '../http/service.js';
import { invokeBatch } from './batch.js';
import { isJsonObject } from './envelope.js';
import { isV2Endpoint } from './catalog.js';
import { exchangeErrors } from './gateway-errors.js';
import { invokeCmdlet, type ExchangeRuntime } from './invoke.js';
import { RetentionSettingsStore } from './retention-settings.js';

/** Write cmdlets (by verb) count against the destructive-cmdlet throttling budget. */
const WRITE_VERBS = /^(add|remove|set|new|enable|disable)-/i;

function cmdletName(req: SandboxRequest): string | null {
  const input = isJsonObject(req.body) ? req.body['CmdletInput'] : undefined;
  const name = isJsonObject(input) ? input['CmdletName'] : undefined;
  return typeof name === 'string' ? name : null;
}

function isWriteCmdlet(req: SandboxRequest): boolean {
  return WRITE_VERBS.test(cmdletName(req) ?? '');
}

export const BETA_ROLE = 'Exchange.ManageAsApp';
export const V2_ROLE = 'Exchange.ManageAsAppV2';

function v2Handler(runtime: ExchangeRuntime) {
  return (rc: RouteContext): SandboxResponse => {
    const endpoint = rc.request.params['endpoint'] ?? '';
    if (!isV2Endpoint(endpoint)) return exchangeErrors.notFound(rc.request);
    return invokeCmdlet(rc, runtime, { kind: 'v2', endpoint });
  };
}

export const createExchangeService: ServiceFactory = (): ServiceDefinition => {
  const runtime: ExchangeRuntime = { retention: new RetentionSettingsStore() };
  return {
    name: 'exchange',
    hosts: ['outlook.office365.com'],
    audiences: exchangeAudiences,
    resource: 'exchange',
    errors: exchangeErrors,
    describe: cmdletName,
    responseHeaders: (req: SandboxRequest) => ({
      'request-id': req.requestId,
      ...(req.clientRequestId === null ? {} : { 'client-request-id': req.clientRequestId }),
    }),
    routes: [
      {
        method: 'POST',
        path: '/adminapi/beta/:tenant/InvokeCommand',
        permissions: [BETA_ROLE],
        isWrite: isWriteCmdlet,
        handler: (rc) => invokeCmdlet(rc, runtime, { kind: 'beta' }),
      },
      {
        method: 'POST',
        path: '/adminapi/beta/:tenant/$batch',
        permissions: [BETA_ROLE],
        handler: (rc) => invokeBatch(rc),
      },
      {
        method: 'POST',
        path: '/adminapi/v2.0/:tenant/:endpoint',
        permissions: [V2_ROLE],
        isWrite: isWriteCmdlet,
        handler: v2Handler(runtime),
      },
    ],
  };
};
