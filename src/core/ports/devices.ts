/** The leaver's devices: Intune managed devices and Entra ID registered devices (Microsoft Graph). */

export interface ManagedDevice {
  id: string;
  deviceName: string;
  /** Intune's `managedDeviceOwnerType`: corporate devices may be wiped, personal ones only retired. */
  ownership: 'company' | 'personal' | 'unknown';
  operatingSystem: string;
  /** Intune's `managementState`: `managed`, `retirePending`, `wipePending`, … */
  managementState: string;
  /** Intune's `easDeviceId`: the Exchange ActiveSync id (Get-MobileDevice `DeviceId`), null when none. */
  easDeviceId: string | null;
}

export interface RegisteredDevice {
  /** Directory object id (not the `deviceId`). */
  id: string;
  displayName: string;
  operatingSystem: string;
  accountEnabled: boolean;
}

export interface Devices {
  /** Intune devices whose primary user is the user (`/users/{id}/managedDevices`). */
  listManagedDevices(userId: string): Promise<ManagedDevice[]>;
  /** Removes company data and management from the device; personal data stays. Not reversible. */
  retireManagedDevice(deviceId: string): Promise<void>;
  /** Factory reset on the device's next check-in. Not reversible. */
  wipeManagedDevice(deviceId: string): Promise<void>;
  /** Entra ID devices registered to the user (`/users/{id}/registeredDevices`). */
  listRegisteredDevices(userId: string): Promise<RegisteredDevice[]>;
  /** Blocks (false) or allows (true) the device's sign-in to Entra ID. Idempotent. */
  setDeviceEnabled(deviceId: string, isEnabled: boolean): Promise<void>;
}
