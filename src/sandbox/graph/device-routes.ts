/**
 * Devices: Intune managed devices of a user (list, retire, wipe) and Entra ID devices (the user's
 * registered devices, `PATCH /devices/{id}` accountEnabled). Retire and wipe only mark the device
 * pending, as Intune does until the device checks in.
 */
import type { RouteContext, RouteDefinition, SandboxResponse } from '../http/service.js';
import type { EntraDeviceRecord, ManagedDeviceRecord } from '../state/checklist-types.js';
import { directoryBadRequest, fail, insufficientPrivileges, noContent, ok } from './errors.js';
import { requireUser } from './lookup.js';

const contextBase = 'https://graph.microsoft.com/v1.0/$metadata';
const intuneRead = [
  'DeviceManagementManagedDevices.Read.All',
  'DeviceManagementManagedDevices.ReadWrite.All',
];
const intuneAction = ['DeviceManagementManagedDevices.PrivilegedOperations.All'];
/** Entra roles that may change a device's accountEnabled (device-update.md). */
const deviceAdminRoles = ['Cloud Device Administrator', 'Intune Administrator', 'Global Administrator'];

function managedDeviceJson(d: ManagedDeviceRecord): Record<string, unknown> {
  const { userId: _userId, ...rest } = d;
  return { '@odata.type': '#microsoft.graph.managedDevice', ...rest };
}

function deviceJson(d: EntraDeviceRecord): Record<string, unknown> {
  const { registeredUserIds: _users, ...rest } = d;
  return { '@odata.type': '#microsoft.graph.device', deletedDateTime: null, ...rest };
}

function listManagedDevices(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  return ok({
    '@odata.context': `${contextBase}#users('${user.id}')/managedDevices`,
    value: rc.tenant.checklist.managedDevicesOf(user.id).map(managedDeviceJson),
  });
}

function requireManagedDevice(rc: RouteContext): ManagedDeviceRecord {
  const id = rc.request.params['deviceId'] ?? '';
  const device = rc.tenant.checklist.getManagedDevice(id);
  const userParam = rc.request.params['id'];
  const owner = userParam === undefined ? undefined : requireUser(rc);
  if (!device || (owner && device.userId !== owner.id)) {
    return fail(
      rc.request,
      404,
      'ResourceNotFound',
      `{"_version": 3, "Message": "Resource not found: ${id}"}`,
    );
  }
  return device;
}

function deviceAction(state: 'retirePending' | 'wipePending') {
  return (rc: RouteContext): SandboxResponse => {
    const device = requireManagedDevice(rc);
    // A device already wiping stays wiping: a retire doesn't downgrade it.
    if (device.managementState !== 'wipePending')
      rc.tenant.checklist.updateManagedDevice(device.id, { managementState: state });
    return noContent;
  };
}

function registeredDevices(rc: RouteContext): SandboxResponse {
  const user = requireUser(rc);
  return ok({
    '@odata.context': `${contextBase}#directoryObjects`,
    value: rc.tenant.checklist.registeredDevicesOf(user.id).map(deviceJson),
  });
}

function updateDevice(rc: RouteContext): SandboxResponse {
  const id = rc.request.params['deviceId'] ?? '';
  const device = rc.tenant.checklist.getEntraDevice(id);
  if (!device)
    return fail(
      rc.request,
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  const app = rc.tenant.getApp(rc.request.caller?.appId ?? '');
  if (!deviceAdminRoles.some((r) => app?.directoryRoles.includes(r))) insufficientPrivileges(rc.request);
  const body = rc.request.body as Record<string, unknown> | undefined;
  const enabled = body?.['accountEnabled'];
  if (typeof enabled !== 'boolean' || Object.keys(body ?? {}).length !== 1)
    return directoryBadRequest(rc.request, 'Only accountEnabled can be updated on a device here.');
  rc.tenant.checklist.updateEntraDevice(device.id, { accountEnabled: enabled });
  return noContent;
}

export const deviceRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    path: '/v1.0/users/:id/managedDevices',
    permissions: intuneRead,
    handler: listManagedDevices,
  },
  {
    method: 'POST',
    path: '/v1.0/deviceManagement/managedDevices/:deviceId/retire',
    permissions: intuneAction,
    operation: 'device.retire',
    handler: deviceAction('retirePending'),
  },
  {
    method: 'POST',
    path: '/v1.0/users/:id/managedDevices/:deviceId/retire',
    permissions: intuneAction,
    operation: 'device.retire',
    handler: deviceAction('retirePending'),
  },
  {
    method: 'POST',
    path: '/v1.0/deviceManagement/managedDevices/:deviceId/wipe',
    permissions: [...intuneAction, 'DeviceManagementManagedDevices.ReadWrite.All'],
    operation: 'device.wipe',
    handler: deviceAction('wipePending'),
  },
  {
    method: 'GET',
    path: '/v1.0/users/:id/registeredDevices',
    permissions: ['User.Read.All', 'Directory.Read.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    handler: registeredDevices,
  },
  {
    method: 'PATCH',
    path: '/v1.0/devices/:deviceId',
    permissions: ['Device.ReadWrite.All', 'Directory.ReadWrite.All'],
    operation: 'device.update',
    handler: updateDevice,
  },
];
