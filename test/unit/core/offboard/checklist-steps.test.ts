/**
 * The leaver-checklist steps (sign-in methods, ownership, direct reports) planned, applied, verified
 * and undone through the real Graph connectors against the in-process sandbox, on the seeded leaver.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  entraHandOverApps,
  entraHandOverGroups,
  entraReassignReports,
  ownershipWarnings,
} from '../../../../src/core/offboard/handover-steps.js';
import {
  offboardOptionsSchema,
  type OffboardInput,
  type OffboardOptions,
} from '../../../../src/core/offboard/offboard-input.js';
import {
  deviceWarnings,
  entraDisableDevices,
  intuneRetireDevices,
  intuneWipeDevices,
} from '../../../../src/core/offboard/device-steps.js';
import {
  exoBlockMailClients,
  exoRemoveMobileDevices,
} from '../../../../src/core/offboard/mail-client-steps.js';
import { entraRemoveSignInMethods } from '../../../../src/core/offboard/sign-in-method-steps.js';
import type { Ports } from '../../../../src/core/ports/index.js';
import type { Change, Step, StepContext } from '../../../../src/core/step.js';
import {
  seeded,
  seededAppObjects,
  seededDevices,
  seededSignInMethods,
} from '../../../../src/sandbox/index.js';
import type { TenantSnapshot } from '../../../../src/sandbox/state/tenant.js';
import { startConnectorHarness, type ConnectorHarness } from '../../../contract/connectors-harness.js';
import { FakeClock } from '../support/fake-clock.js';
import { unusedPorts } from '../support/unused-ports.js';

const U = seeded.users;
const G = seeded.groups;
let h: ConnectorHarness;
let ports: Ports;
let pristine: TenantSnapshot;

beforeAll(async () => {
  h = await startConnectorHarness();
  ports = { ...unusedPorts(new FakeClock()), ...h };
  pristine = h.sandbox.state.snapshot();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.sandbox.state.restore(pristine);
});

function ctx(options: Partial<OffboardOptions> = {}, hasDelegate = true): StepContext<OffboardInput> {
  return {
    input: {
      requestId: 'REQ-20261123-CHKLST',
      leaver: {
        id: U.adeleVance,
        userPrincipalName: 'adele.vance@contoso.com',
        mail: 'adele.vance@contoso.com',
        displayName: 'Adele Vance',
        isSynced: false,
      },
      delegate: hasDelegate
        ? { id: U.meganBowen, userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen' }
        : null,
      requestedBy: 'Isaiah Langer',
      options: { ...offboardOptionsSchema.parse({}), ...options },
      stamp: 'Offboarded 2026-11-23 REQ-20261123-CHKLST',
    },
    ports,
    signal: new AbortController().signal,
  };
}

/** Plans, applies every change in order and verifies, as the runner does; returns the changes. */
async function run(step: Step<OffboardInput>, c: StepContext<OffboardInput>): Promise<Change[]> {
  const changes = await step.plan(c);
  for (const change of changes) await step.apply(change, c);
  expect(await step.verify(changes, c)).toEqual({ ok: true });
  return changes;
}

const methodTypes = (): string[] =>
  h.sandbox.state.checklist
    .authMethods(U.adeleVance)
    .map((m) => m.odataType)
    .sort();

describe('entra.remove-sign-in-methods', () => {
  it('removes every method but the password, the default phone last, and plans nothing afterwards', async () => {
    const c = ctx();
    const changes = await entraRemoveSignInMethods.plan(c);
    expect(changes.map((x) => x.data['kind'])).toEqual([
      'temporaryAccessPass',
      'softwareOath',
      'fido2',
      'microsoftAuthenticator',
      'phone',
    ]);
    expect(changes.at(-1)?.description).toBe('Remove the phone mobile +1 4255550109');
    await run(entraRemoveSignInMethods, c);
    expect(methodTypes()).toEqual(['#microsoft.graph.passwordAuthenticationMethod']);
    expect(await entraRemoveSignInMethods.plan(c)).toEqual([]);
  });

  it('removes the other methods first when Entra refuses the default one', async () => {
    const state = h.sandbox.state.checklist;
    const [phone, authenticator] = [seededSignInMethods.mobilePhone, seededSignInMethods.authenticator].map(
      (id) => state.authMethods(U.adeleVance).find((m) => m.id === id),
    );
    if (!phone || !authenticator) throw new Error('seeded methods missing');
    state.addAuthMethod({ ...phone, isDefault: false });
    state.addAuthMethod({ ...authenticator, isDefault: true });
    const c = ctx();
    const changes = await entraRemoveSignInMethods.plan(c);
    const refused = changes.find((x) => x.data['kind'] === 'microsoftAuthenticator');
    if (!refused) throw new Error('no authenticator change');
    // Applied alone first (a resumed run can start anywhere): the step clears the others, then it.
    await entraRemoveSignInMethods.apply(refused, c);
    expect(methodTypes()).toEqual(['#microsoft.graph.passwordAuthenticationMethod']);
    for (const change of changes) await entraRemoveSignInMethods.apply(change, c);
    expect(await entraRemoveSignInMethods.verify(changes, c)).toEqual({ ok: true });
  });

  it('plans nothing when the option is off', async () => {
    expect(await entraRemoveSignInMethods.plan(ctx({ removeSignInMethods: false }))).toEqual([]);
  });
});

describe('entra.reassign-reports', () => {
  it("moves the leaver's direct reports to the leaver's manager, and undo moves them back", async () => {
    const c = ctx();
    const changes = await run(entraReassignReports, c);
    expect(changes.map((x) => x.data['reportId']).sort()).toEqual([U.alexJohnsonSales, U.rayKim].sort());
    expect(changes.map((x) => x.description)).toContain('Ray Kim reports to Megan Bowen instead');
    for (const id of [U.alexJohnsonSales, U.rayKim])
      expect(h.sandbox.state.directory.getUser(id)?.managerId).toBe(U.meganBowen);
    expect(await entraReassignReports.plan(c)).toEqual([]);
    for (const change of changes) await entraReassignReports.undo?.(change, c);
    for (const id of [U.alexJohnsonSales, U.rayKim])
      expect(h.sandbox.state.directory.getUser(id)?.managerId).toBe(U.adeleVance);
  });

  it('plans nothing when the option is off', async () => {
    expect(await entraReassignReports.plan(ctx({ reassignReports: false }))).toEqual([]);
  });
});

describe('entra.hand-over-groups', () => {
  it('makes the delegate owner of the team the leaver owns alone before the leaver stops owning anything', async () => {
    const c = ctx();
    const changes = await run(entraHandOverGroups, c);
    expect(changes.map((x) => x.key)).toEqual([
      `add-owner:group:${G.salesTeam}:${U.meganBowen}`,
      `remove-owner:group:${G.salesTeam}:${U.adeleVance}`,
      `remove-owner:group:${G.retailSecurity}:${U.adeleVance}`,
    ]);
    const owners = (id: string): string[] => h.sandbox.state.checklist.ownerIds(id).sort();
    expect(owners(G.salesTeam)).toEqual([U.meganBowen]);
    expect(owners(G.retailSecurity)).toEqual([U.meganBowen]);
    expect(await entraHandOverGroups.plan(c)).toEqual([]);
    for (const change of [...changes].reverse()) await entraHandOverGroups.undo?.(change, c);
    expect(owners(G.salesTeam)).toEqual([U.adeleVance]);
    expect(owners(G.retailSecurity)).toEqual([U.adeleVance, U.meganBowen].sort());
  });

  it('without a delegate leaves the sole-owned team with its owner and says so', async () => {
    const c = ctx({}, false);
    const changes = await entraHandOverGroups.plan(c);
    expect(changes.map((x) => x.key)).toEqual([`remove-owner:group:${G.retailSecurity}:${U.adeleVance}`]);
    const warnings = await ownershipWarnings(c.input, ports);
    expect(warnings['entra.hand-over-groups']).toEqual([
      'Sales Team (team) has no other owner and there is no delegate',
    ]);
  });
});

describe('entra.hand-over-apps', () => {
  it('reports the owned app registration and service principal by default and changes nothing', async () => {
    const c = ctx();
    expect(await entraHandOverApps.plan(c)).toEqual([]);
    expect((await ownershipWarnings(c.input, ports))['entra.hand-over-apps']).toEqual([
      'The leaver owns Sales Dashboard (app registration): give it another owner',
      'The leaver owns Sales Dashboard (enterprise app): give it another owner',
    ]);
  });

  it('makes the delegate an owner when asked to, and undo removes them again', async () => {
    const c = ctx({ appOwnership: 'add-delegate' });
    const changes = await run(entraHandOverApps, c);
    expect(changes).toHaveLength(2);
    const A = seededAppObjects;
    for (const id of [A.salesDashboardApp, A.salesDashboardSp])
      expect(h.sandbox.state.checklist.ownerIds(id).sort()).toEqual([U.adeleVance, U.meganBowen].sort());
    expect(await entraHandOverApps.plan(c)).toEqual([]);
    for (const change of changes) await entraHandOverApps.undo?.(change, c);
    for (const id of [A.salesDashboardApp, A.salesDashboardSp])
      expect(h.sandbox.state.checklist.ownerIds(id)).toEqual([U.adeleVance]);
  });
});

describe('devices', () => {
  const D = seededDevices;
  const state = (id: string): string | undefined =>
    h.sandbox.state.checklist.getManagedDevice(id)?.managementState;

  it('retires the personal device only, and reports the corporate one while the wipe is off', async () => {
    const c = ctx();
    const changes = await run(intuneRetireDevices, c);
    expect(changes.map((x) => x.description)).toEqual(["Retire Adele's iPhone (personal, iOS)"]);
    expect(state(D.personalPhone)).toBe('retirePending');
    expect(state(D.corporateLaptop)).toBe('managed');
    expect(await intuneRetireDevices.plan(c)).toEqual([]);
    expect(await intuneWipeDevices.plan(c)).toEqual([]);
    expect((await deviceWarnings(c.input, ports))['intune.retire-devices']).toEqual([
      'CONTOSO-LT-0042 is corporate: not retired; collect it, or turn on the wipe',
    ]);
  });

  it('wipes the corporate device when the wipe option is on', async () => {
    const c = ctx({ wipeCorporateDevices: true });
    const changes = await run(intuneWipeDevices, c);
    expect(changes.map((x) => x.data['deviceId'])).toEqual([D.corporateLaptop]);
    expect(state(D.corporateLaptop)).toBe('wipePending');
    expect(state(D.personalPhone)).toBe('managed');
    expect(await intuneWipeDevices.plan(c)).toEqual([]);
  });

  it('disables the Entra-registered device, and undo enables it again', async () => {
    const c = ctx();
    const changes = await run(entraDisableDevices, c);
    expect(changes.map((x) => x.data['deviceId'])).toEqual([D.registeredPhone]);
    expect(h.sandbox.state.checklist.getEntraDevice(D.registeredPhone)?.accountEnabled).toBe(false);
    expect(await entraDisableDevices.plan(c)).toEqual([]);
    for (const change of changes) await entraDisableDevices.undo?.(change, c);
    expect(h.sandbox.state.checklist.getEntraDevice(D.registeredPhone)?.accountEnabled).toBe(true);
  });

  it('plans nothing when the device options are off', async () => {
    const c = ctx({ retirePersonalDevices: false, disableRegisteredDevices: false });
    expect(await intuneRetireDevices.plan(c)).toEqual([]);
    expect(await entraDisableDevices.plan(c)).toEqual([]);
  });
});

describe('mail clients (Exchange admin API)', () => {
  it('turns off ActiveSync, Outlook on the web, POP and IMAP but not MAPI, and undo turns them on', async () => {
    const c = ctx();
    const changes = await run(exoBlockMailClients, c);
    expect(changes.map((x) => x.description)).toEqual(['Turn off ActiveSync, OWA, Pop, Imap']);
    expect(h.sandbox.state.checklist.casSettings(U.adeleVance)).toMatchObject({
      ActiveSyncEnabled: false,
      OWAEnabled: false,
      PopEnabled: false,
      ImapEnabled: false,
      MAPIEnabled: true,
    });
    expect(await exoBlockMailClients.plan(c)).toEqual([]);
    for (const change of changes) await exoBlockMailClients.undo?.(change, c);
    expect(h.sandbox.state.checklist.casSettings(U.adeleVance).ActiveSyncEnabled).toBe(true);
  });

  it('removes the mailbox mobile device partnership, idempotently', async () => {
    const c = ctx();
    const changes = await run(exoRemoveMobileDevices, c);
    expect(changes.map((x) => x.description)).toEqual(["Remove Adele's iPhone (iOS 17.4) from the mailbox"]);
    expect(h.sandbox.state.checklist.mobileDevicesOf(U.adeleVance)).toEqual([]);
    for (const change of changes) await exoRemoveMobileDevices.apply(change, c);
    expect(await exoRemoveMobileDevices.plan(c)).toEqual([]);
  });

  /** A company-owned phone Intune knows, with its own ActiveSync partnership on Adele's mailbox. */
  function addCorporatePhone(): string {
    const created = '2026-01-12T09:00:00Z';
    h.sandbox.state.checklist.addManagedDevice({
      id: 'c0000000-0000-4000-8000-0000000000c1',
      userId: U.adeleVance,
      userPrincipalName: 'adele.vance@contoso.com',
      deviceName: 'CONTOSO-PH-0107',
      managedDeviceOwnerType: 'company',
      operatingSystem: 'Android',
      osVersion: '14',
      model: 'Pixel 8',
      manufacturer: 'Google',
      serialNumber: '38011FDJH00C4Q',
      managementState: 'managed',
      complianceState: 'compliant',
      enrolledDateTime: created,
      lastSyncDateTime: created,
      azureADDeviceId: 'c0000000-0000-4000-8000-0000000000d1',
      easDeviceId: 'Android38011FDJH00C4Q',
    });
    h.sandbox.state.checklist.addMobileDevice({
      guid: 'c0000000-0000-4000-8000-0000000000e1',
      userId: U.adeleVance,
      deviceId: 'ANDROID38011FDJH00C4Q',
      deviceType: 'Android',
      deviceModel: 'Pixel 8',
      friendlyName: 'CONTOSO-PH-0107',
      deviceOS: 'Android 14',
      clientType: 'EAS',
      whenCreated: created,
    });
    return 'c0000000-0000-4000-8000-0000000000e1';
  }

  it('wipes the mailbox data from corporate partnerships before removing them, with the wipe option', async () => {
    const corporateGuid = addCorporatePhone();
    const c = ctx({ wipeCorporateDevices: true });
    const changes = await exoRemoveMobileDevices.plan(c);
    expect(changes.map((x) => x.description)).toEqual([
      "Remove Adele's iPhone (iOS 17.4) from the mailbox",
      'Wipe the mailbox data from CONTOSO-PH-0107 (Android 14), corporate (account-only wipe)',
      'Remove CONTOSO-PH-0107 (Android 14) from the mailbox',
    ]);
    // The wipe goes first: Get-MobileDevice then shows the request on the corporate phone only.
    const wipe = changes.find((x) => x.data['action'] === 'account-wipe');
    if (!wipe) throw new Error('no wipe planned');
    await exoRemoveMobileDevices.apply(wipe, c);
    await exoRemoveMobileDevices.apply(wipe, c);
    const byName = new Map(
      (await ports.mobileMail.listMobileDevices('adele.vance@contoso.com')).map((d) => [d.friendlyName, d]),
    );
    expect(byName.get('CONTOSO-PH-0107')?.wipeRequested).toBe(true);
    expect(byName.get("Adele's iPhone")?.wipeRequested).toBe(false);
    const corporate = h.sandbox.state.checklist.allMobileDevices().find((d) => d.guid === corporateGuid);
    expect(corporate?.wipe).toMatchObject({ accountOnly: true, notificationEmailAddresses: [] });
    const personal = h.sandbox.state.checklist
      .allMobileDevices()
      .find((d) => d.guid === seededDevices.mobileDeviceGuid);
    expect(personal?.wipe).toBeUndefined();

    for (const change of changes) await exoRemoveMobileDevices.apply(change, c);
    for (const change of changes) await exoRemoveMobileDevices.apply(change, c);
    expect(await exoRemoveMobileDevices.verify(changes, c)).toEqual({ ok: true });
    expect(h.sandbox.state.checklist.mobileDevicesOf(U.adeleVance)).toEqual([]);
    expect(await exoRemoveMobileDevices.plan(c)).toEqual([]);
  });

  it('verify fails when a planned wipe was never requested and the partnership is still there', async () => {
    addCorporatePhone();
    const c = ctx({ wipeCorporateDevices: true });
    const changes = await exoRemoveMobileDevices.plan(c);
    const wipe = changes.filter((x) => x.data['action'] === 'account-wipe');
    expect(await exoRemoveMobileDevices.verify(wipe, c)).toEqual({
      ok: false,
      reason: '1 corporate mobile device(s) have no wipe request',
    });
  });

  it('only removes corporate partnerships when the wipe option is off', async () => {
    addCorporatePhone();
    const c = ctx({ wipeCorporateDevices: false });
    const changes = await run(exoRemoveMobileDevices, c);
    expect(changes.map((x) => x.data['action'])).toEqual(['remove', 'remove']);
    expect(h.sandbox.state.checklist.mobileDevicesOf(U.adeleVance)).toEqual([]);
  });

  it('treats a partnership Intune does not know as personal: removed, never wiped', async () => {
    addCorporatePhone();
    h.sandbox.state.checklist.updateManagedDevice('c0000000-0000-4000-8000-0000000000c1', {
      easDeviceId: '',
    });
    const c = ctx({ wipeCorporateDevices: true });
    const changes = await run(exoRemoveMobileDevices, c);
    expect(changes.map((x) => x.data['action'])).toEqual(['remove', 'remove']);
    expect(h.sandbox.state.checklist.mobileDevicesOf(U.adeleVance)).toEqual([]);
  });

  it('plans nothing when the option is off', async () => {
    const c = ctx({ blockMailClients: false });
    expect(await exoBlockMailClients.plan(c)).toEqual([]);
    expect(await exoRemoveMobileDevices.plan(c)).toEqual([]);
  });
});
