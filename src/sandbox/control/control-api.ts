/**
 * The `/_sandbox/...` HTTP API for out-of-process tests and demos: state snapshots and reset, behaviour
 * switches, `failNext`, the request log, sent mail and installed Teams apps. It has no authentication:
 * the sandbox listens on loopback and holds only simulated data.
 */
import type { Behaviours } from '../behaviours/behaviours.js';
import type { RequestLog } from '../behaviours/request-log.js';
import type { ControlHandler } from '../http/server.js';
import type { SandboxResponse } from '../http/service.js';
import type { Tenant, TenantSnapshot } from '../state/tenant.js';
import { parseFailNext, parseOverrides } from './behaviour-schema.js';
import { masteringPatch, parseMastering } from './mastering.js';
import { dumpTenant } from './state-dump.js';

export interface ControlTarget {
  state: Tenant;
  behaviours: Behaviours;
  requestLog: RequestLog;
  reset(): void;
  info(): Record<string, unknown>;
}

const json = (status: number, body: unknown): SandboxResponse => ({ status, body });
const badRequest = (message: string): SandboxResponse =>
  json(400, { error: { code: 'BadRequest', message } });

export function createControlApi(target: ControlTarget): ControlHandler {
  const snapshots = new Map<string, TenantSnapshot>();
  let counter = 0;
  return (method, path, query, body) => {
    const route = `${method.toUpperCase()} ${path.replace(/\/+$/, '') || '/'}`;
    switch (route) {
      case 'GET /health':
        return json(200, { status: 'ok', tenantId: target.state.tenantId });
      case 'GET /info':
        return json(200, target.info());
      case 'GET /state':
        return json(200, dumpTenant(target.state));
      case 'POST /snapshot': {
        counter += 1;
        const id = `snap-${counter}`;
        snapshots.set(id, target.state.snapshot());
        return json(201, { id });
      }
      case 'POST /restore': {
        const id = (body as { id?: unknown } | undefined)?.id;
        const snap = typeof id === 'string' ? snapshots.get(id) : undefined;
        if (!snap) return badRequest('Unknown snapshot id; POST /_sandbox/snapshot first.');
        target.state.restore(snap);
        return { status: 204 };
      }
      case 'POST /reset':
        target.reset();
        return { status: 204 };
      case 'GET /behaviours':
        return json(200, target.behaviours.get());
      case 'PATCH /behaviours':
      case 'POST /behaviours': {
        const parsed = parseOverrides(body);
        if (!parsed.ok) return badRequest(parsed.message);
        return json(200, target.behaviours.configure(parsed.value));
      }
      case 'POST /behaviours/reset':
        target.behaviours.reset();
        return json(200, target.behaviours.get());
      case 'POST /faults/fail-next': {
        const parsed = parseFailNext(body);
        if (!parsed.ok) return badRequest(parsed.message);
        target.behaviours.failNext(parsed.value.service, parsed.value.status, parsed.value.count);
        return json(200, { pending: target.behaviours.faults.pending(parsed.value.service) });
      }
      case 'GET /requests': {
        const entries = target.requestLog.find({
          service: query.get('service') ?? undefined,
          method: query.get('method') ?? undefined,
          operation: query.get('operation') ?? undefined,
          appId: query.get('appId') ?? undefined,
          appliedOnly: query.get('appliedOnly') === 'true',
        });
        return json(200, { value: entries });
      }
      case 'DELETE /requests':
        target.requestLog.clear();
        return { status: 204 };
      case 'GET /mail':
        return json(200, { value: target.state.teams.sentMail() });
      case 'POST /users/mastering': {
        const parsed = parseMastering(body);
        if (!parsed.ok) return badRequest(parsed.message);
        const user = target.state.directory.getUser(parsed.value.userId);
        if (!user) return badRequest(`Unknown user ${parsed.value.userId}.`);
        const updated = target.state.directory.updateUser(user.id, masteringPatch(parsed.value.source));
        return json(200, {
          userId: updated.id,
          onPremisesSyncEnabled: updated.onPremisesSyncEnabled,
          masteredByExternalService: updated.masteredByExternalService === true,
        });
      }
      case 'GET /teams/installed-apps': {
        const userId = query.get('userId');
        const all = target.state.teams.allInstalledApps();
        return json(200, { value: userId ? all.filter((a) => a.userId === userId) : all });
      }
      default:
        return json(404, { error: { code: 'NotFound', message: `No control route ${route}.` } });
    }
  };
}
