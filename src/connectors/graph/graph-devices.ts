import { z } from 'zod';
import type { Devices, ManagedDevice, RegisteredDevice } from '../../core/ports/devices.js';
import type { GraphApi } from './graph-api.js';
import { assertObjectId } from './odata-query.js';

const managedDeviceSchema = z.looseObject({
  id: z.string(),
  deviceName: z.string().nullish(),
  managedDeviceOwnerType: z.string().nullish(),
  operatingSystem: z.string().nullish(),
  managementState: z.string().nullish(),
  easDeviceId: z.string().nullish(),
});

const deviceSchema = z.looseObject({
  '@odata.type': z.string().optional(),
  id: z.string(),
  displayName: z.string().nullish(),
  operatingSystem: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
});

const ownershipOf = (value: string | null | undefined): ManagedDevice['ownership'] =>
  value === 'company' || value === 'personal' ? value : 'unknown';

/**
 * Devices on Graph v1.0. Intune: DeviceManagementManagedDevices.Read.All to list,
 * DeviceManagementManagedDevices.PrivilegedOperations.All to retire and wipe. Entra ID devices:
 * User.Read.All to list, Device.ReadWrite.All plus the Cloud Device Administrator role to disable.
 */
export class GraphDevices implements Devices {
  constructor(private readonly api: GraphApi) {}

  async listManagedDevices(userId: string): Promise<ManagedDevice[]> {
    const user = assertObjectId(userId, 'user id');
    const devices = await this.api.list(`/users/${user}/managedDevices`, managedDeviceSchema, {
      what: `List the managed devices of ${user}`,
    });
    return devices.map((d) => ({
      id: d.id,
      deviceName: d.deviceName ?? d.id,
      ownership: ownershipOf(d.managedDeviceOwnerType),
      operatingSystem: d.operatingSystem ?? 'unknown',
      managementState: d.managementState ?? 'managed',
      easDeviceId: d.easDeviceId || null,
    }));
  }

  /** Intune accepts a repeated retire of a device already pending (idempotent). */
  async retireManagedDevice(deviceId: string): Promise<void> {
    const id = assertObjectId(deviceId, 'managed device id');
    await this.api.postNoContent(`/deviceManagement/managedDevices/${id}/retire`, undefined, {
      what: `Retire managed device ${id}`,
    });
  }

  async wipeManagedDevice(deviceId: string): Promise<void> {
    const id = assertObjectId(deviceId, 'managed device id');
    await this.api.postNoContent(
      `/deviceManagement/managedDevices/${id}/wipe`,
      { keepEnrollmentData: false, keepUserData: false },
      { what: `Wipe managed device ${id}` },
    );
  }

  async listRegisteredDevices(userId: string): Promise<RegisteredDevice[]> {
    const user = assertObjectId(userId, 'user id');
    const objects = await this.api.list(`/users/${user}/registeredDevices`, deviceSchema, {
      what: `List the registered devices of ${user}`,
    });
    return objects
      .filter((o) => o['@odata.type'] === undefined || o['@odata.type'] === '#microsoft.graph.device')
      .map((d) => ({
        id: d.id,
        displayName: d.displayName ?? d.id,
        operatingSystem: d.operatingSystem ?? 'unknown',
        accountEnabled: d.accountEnabled !== false,
      }));
  }

  async setDeviceEnabled(deviceId: string, isEnabled: boolean): Promise<void> {
    const id = assertObjectId(deviceId, 'device id');
    await this.api.patch(
      `/devices/${id}`,
      { accountEnabled: isEnabled },
      { what: `${isEnabled ? 'Enable' : 'Disable'} device ${id}` },
    );
  }
}
