/**
 * The request card of a leaver not yet done is a quick preview: it leaves out the Exchange reads that
 * only refine a line (the delegate's FullAccess already there, which mail protocols are on, which
 * phones are connected, which mailboxes the leaver has SendAs or SendOnBehalf on: approved as a kind). A disabled leaver's card reads everything, since it decides "nothing to do".
 * Real connectors against the sandbox, counted in its request log.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { createServices, type Services } from '../../src/app/wiring.js';
import type { Principal } from '../../src/core/model.js';
import { changeKeys } from '../../src/core/offboard/scheduled-offboard.js';
import type { Plan } from '../../src/core/step.js';
import { seeded, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { RecordingGateway } from '../support/recording-gateway.js';

const refiningReads = [
  'Get-MailboxPermission',
  'Get-CASMailbox',
  'Get-MobileDevice',
  'Get-RecipientPermission',
];

describe('quick preview of a request card (real connectors against the sandbox)', () => {
  let sandbox: Sandbox;
  let services: Services;
  let operator: Principal;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const config = loadConfig({
      LIFECYCLE_MODE: 'sandbox',
      SANDBOX_URL: sandbox.baseUrl,
      PORT: '0',
      LOG_LEVEL: 'silent',
    });
    services = await createServices(config, {
      store: await openMemoryStore(),
      gateway: new RecordingGateway(),
      logger: pino({ level: 'silent' }),
    });
    operator = {
      aadObjectId: seeded.users.isaiahLanger,
      tenantId: services.deps.tenantId,
      displayName: 'Isaiah Langer',
    };
  });
  beforeEach(() => {
    sandbox.state.directory.updateUser(seeded.users.adeleVance, { accountEnabled: true });
  });
  afterAll(async () => {
    await services.coordinator.idle();
    await services.store.close();
    await sandbox.close();
  });

  const cmdletsOf = (from: number): string[] =>
    sandbox.requestLog
      .all()
      .filter((e) => e.seq > from && e.service === 'exchange')
      .map((e) => e.action ?? e.path);
  const lastSeq = (): number => sandbox.requestLog.all().at(-1)?.seq ?? 0;
  const stepOf = (plan: Plan, id: string) => plan.steps.find((s) => s.stepId === id);

  it('leaves out the refining reads for an enabled leaver, and marks those lines preview-only', async () => {
    const mark = lastSeq();
    const prepared = await services.deps.offboard.prepare(operator, 'adele.vance@contoso.com');
    if (prepared.kind !== 'ready') throw new Error(prepared.kind);
    const cmdlets = cmdletsOf(mark);
    for (const read of refiningReads) expect(cmdlets).not.toContain(read);
    // One Exchange call: the leaver's mailbox, read once for every step that asks.
    expect(cmdlets).toEqual(['Get-Mailbox']);

    const { plan } = prepared;
    const devices = stepOf(plan, 'exo.remove-mobile-devices')?.changes ?? [];
    expect(devices).toEqual([expect.objectContaining({ key: 'mobile-devices', isPreviewOnly: true })]);
    expect(stepOf(plan, 'exo.block-mail-clients')?.changes).toEqual([
      expect.objectContaining({ key: 'protocols', isPreviewOnly: true }),
    ]);
    expect(stepOf(plan, 'exo.grant-delegate')?.changes).toEqual([
      expect.objectContaining({ key: 'full-access:megan.bowen@contoso.com', isPreviewOnly: true }),
    ]);
    for (const id of ['exo.revoke-send-as', 'exo.revoke-send-on-behalf']) {
      expect(stepOf(plan, id)?.changes).toEqual([
        expect.objectContaining({ key: 'found-at-run', isPreviewOnly: true }),
      ]);
    }
    // A schedule approved from such a plan approves the kind of change, not a key the run won't plan.
    expect(changeKeys(plan)).toContain('exo.remove-mobile-devices:*');
    expect(changeKeys(plan)).not.toContain('exo.remove-mobile-devices:mobile-devices');
  });

  it('reads everything for a disabled leaver: the devices and protocols are the real ones', async () => {
    sandbox.state.directory.updateUser(seeded.users.adeleVance, { accountEnabled: false });
    const mark = lastSeq();
    const prepared = await services.deps.offboard.prepare(operator, 'adele.vance@contoso.com');
    if (prepared.kind !== 'ready') throw new Error(prepared.kind);
    const cmdlets = cmdletsOf(mark);
    for (const read of refiningReads) expect(cmdlets).toContain(read);
    const changes = prepared.plan.steps.flatMap((s) => s.changes);
    expect(changes.some((c) => c.isPreviewOnly)).toBe(false);
    const devices = stepOf(prepared.plan, 'exo.remove-mobile-devices')?.changes ?? [];
    expect(devices.length).toBeGreaterThan(0);
    expect(devices.every((c) => c.key.startsWith('mobile-device:'))).toBe(true);
  });

  it("plans the run from live state: the run's plan has no preview-only change", async () => {
    const prepared = await services.deps.offboard.prepare(operator, 'adele.vance@contoso.com');
    if (prepared.kind !== 'ready') throw new Error(prepared.kind);
    const runPlan = await services.deps.offboard.plan(prepared.request);
    expect(runPlan.steps.flatMap((s) => s.changes).some((c) => c.isPreviewOnly)).toBe(false);
    const devices = stepOf(runPlan, 'exo.remove-mobile-devices')?.changes ?? [];
    expect(devices.every((c) => c.key.startsWith('mobile-device:'))).toBe(true);
  });
});
