/**
 * The leaver's devices: personal Intune devices retired, corporate ones wiped only when asked (the
 * policy then wants a second approver), Entra-registered devices disabled. They run early: a device
 * keeps syncing company data until it is retired or blocked.
 */
import type { ManagedDevice } from '../ports/devices.js';
import { fail, ok, type Change, type Step, type StepContext } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

type Ctx = StepContext<OffboardInput>;

/** States in which Intune has already accepted a retire or wipe (or finished one). */
const pendingStates = new Set(['retirePending', 'retireIssued', 'wipePending', 'wipeIssued', 'retired']);

const isCorporate = (d: ManagedDevice): boolean => d.ownership === 'company';

async function managedDevices(ctx: Ctx): Promise<ManagedDevice[]> {
  return ctx.ports.devices.listManagedDevices(ctx.input.leaver.id);
}

function deviceChange(op: 'retire' | 'wipe', d: ManagedDevice): Change {
  const verb = op === 'retire' ? 'Retire' : 'Wipe';
  return {
    key: `${op}:${d.id}`,
    description: `${verb} ${d.deviceName} (${d.ownership === 'company' ? 'corporate' : 'personal'}, ${d.operatingSystem})`,
    data: { deviceId: d.id, deviceName: d.deviceName },
    before: { managementState: d.managementState },
    after: { managementState: op === 'retire' ? 'retirePending' : 'wipePending' },
  };
}

/** Read back: the device is gone (checked in and removed) or Intune holds the action as pending. */
async function verifyActions(changes: readonly Change[], ctx: Ctx) {
  const byId = new Map((await managedDevices(ctx)).map((d) => [d.id, d]));
  const open = changes.filter((c) => {
    const device = byId.get(String(c.data['deviceId']));
    return device !== undefined && !pendingStates.has(device.managementState);
  });
  return open.length === 0
    ? ok()
    : fail(
        `Intune has not accepted the action for ${open.map((c) => String(c.data['deviceName'])).join(', ')}`,
      );
}

/** Personal (and unknown-ownership) devices: retire removes company data and keeps the owner's own. */
export const intuneRetireDevices: Step<OffboardInput> = {
  id: 'intune.retire-devices',
  system: 'entra',
  title: 'Retire personal devices',
  async plan(ctx) {
    if (!ctx.input.options.retirePersonalDevices) return [];
    return (await managedDevices(ctx))
      .filter((d) => !isCorporate(d) && !pendingStates.has(d.managementState))
      .map((d) => deviceChange('retire', d));
  },
  apply: (change, ctx) => ctx.ports.devices.retireManagedDevice(String(change.data['deviceId'])),
  verify: verifyActions,
};

/** Corporate devices, only with the wipe option (which makes the request need two approvers). */
export const intuneWipeDevices: Step<OffboardInput> = {
  id: 'intune.wipe-devices',
  system: 'entra',
  title: 'Wipe corporate devices',
  async plan(ctx) {
    if (!ctx.input.options.wipeCorporateDevices) return [];
    return (await managedDevices(ctx))
      .filter((d) => isCorporate(d) && !pendingStates.has(d.managementState))
      .map((d) => deviceChange('wipe', d));
  },
  apply: (change, ctx) => ctx.ports.devices.wipeManagedDevice(String(change.data['deviceId'])),
  verify: verifyActions,
};

export const entraDisableDevices: Step<OffboardInput> = {
  id: 'entra.disable-devices',
  system: 'entra',
  title: 'Disable registered devices',
  async plan(ctx) {
    if (!ctx.input.options.disableRegisteredDevices) return [];
    const devices = await ctx.ports.devices.listRegisteredDevices(ctx.input.leaver.id);
    return devices
      .filter((d) => d.accountEnabled)
      .map((d) => ({
        key: `device:${d.id}`,
        description: `Disable ${d.displayName} (${d.operatingSystem}) in Entra ID`,
        data: { deviceId: d.id, displayName: d.displayName },
        before: { accountEnabled: true },
        after: { accountEnabled: false },
      }));
  },
  apply: (change, ctx) => ctx.ports.devices.setDeviceEnabled(String(change.data['deviceId']), false),
  async verify(changes, ctx) {
    const enabled = new Set(
      (await ctx.ports.devices.listRegisteredDevices(ctx.input.leaver.id))
        .filter((d) => d.accountEnabled)
        .map((d) => d.id),
    );
    const left = changes.filter((c) => enabled.has(String(c.data['deviceId'])));
    return left.length === 0 ? ok() : fail(`${left.length} device(s) are still enabled`);
  },
  undo: (change, ctx) => ctx.ports.devices.setDeviceEnabled(String(change.data['deviceId']), true),
};

/** Corporate devices left alone when the wipe option is off: said on the card, not skipped silently. */
export async function deviceWarnings(
  input: OffboardInput,
  ports: StepContext['ports'],
): Promise<Record<string, string[]>> {
  if (input.options.wipeCorporateDevices) {
    return { [intuneWipeDevices.id]: ['Wiping needs a second approver'] };
  }
  const corporate = (await ports.devices.listManagedDevices(input.leaver.id)).filter(isCorporate);
  return corporate.length === 0
    ? {}
    : {
        [intuneRetireDevices.id]: corporate.map(
          (d) => `${d.deviceName} is corporate: not retired; collect it, or turn on the wipe`,
        ),
      };
}
