import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../src/core/errors.js';
import type { SubscribedSku } from '../../../../src/core/ports/licences.js';
import {
  chooseLicences,
  chooseUsageLocation,
  nextPendingAttempt,
  parseProvisioningConfig,
  resolveMapping,
  SeatLedger,
  stockWarnings,
} from '../../../../src/core/provision/index.js';

const skus: SubscribedSku[] = [
  {
    skuId: 'sku-e3',
    skuPartNumber: 'SPE_E3',
    enabledUnits: 10,
    consumedUnits: 8,
    servicePlans: [
      { servicePlanId: 'p-exo', servicePlanName: 'EXCHANGE_S_ENTERPRISE' },
      { servicePlanId: 'p-intune', servicePlanName: 'INTUNE_A' },
    ],
  },
  {
    skuId: 'sku-bi',
    skuPartNumber: 'POWER_BI_PRO',
    enabledUnits: 5,
    consumedUnits: 5,
    servicePlans: [{ servicePlanId: 'p-bi', servicePlanName: 'BI_AZURE_P2' }],
  },
];

const config = parseProvisioningConfig({
  rules: [
    {
      attribute: 'extensionAttribute1',
      equals: 'E3',
      licences: [{ sku: 'spe_e3', disabledPlans: ['INTUNE_A'] }],
    },
    { attribute: 'employeeType', equals: ['Contractor', 'N'], licences: [{ sku: 'POWER_BI_PRO' }] },
  ],
  default: { licences: [{ sku: 'SPE_E3', disabledPlans: ['EXCHANGE_S_ENTERPRISE'] }] },
  usageLocation: { default: 'de' },
});

describe('licence mapping', () => {
  it('resolves SKU and plan names to ids and knows which licences bring a mailbox', () => {
    const mapping = resolveMapping(config, skus);
    expect(mapping.rules[0]?.licences).toEqual([
      {
        skuId: 'sku-e3',
        skuPartNumber: 'SPE_E3',
        disabledPlanIds: ['p-intune'],
        disabledPlanNames: ['INTUNE_A'],
        hasMailbox: true,
      },
    ]);
    expect(mapping.default?.[0]?.hasMailbox).toBe(false);
  });

  it('lists every unknown SKU and service plan at once', () => {
    const bad = parseProvisioningConfig({
      rules: [
        {
          attribute: 'department',
          equals: 'Sales',
          licences: [{ sku: 'NOPE' }, { sku: 'SPE_E3', disabledPlans: ['GHOST'] }],
        },
      ],
    });
    expect(() => resolveMapping(bad, skus)).toThrow(InvalidInputError);
    expect(() => resolveMapping(bad, skus)).toThrow(
      /rules\[0\]\.licences\[0\]: unknown SKU NOPE\n {2}- rules\[0\]\.licences\[1\]: SKU SPE_E3 has no service plan GHOST\nSubscribed SKUs: SPE_E3, POWER_BI_PRO/,
    );
  });

  it('rejects malformed configuration with the path of each problem', () => {
    expect(() =>
      parseProvisioningConfig({
        rules: [{ attribute: 'favouriteColour', equals: 'x', licences: [] }],
        extra: 1,
      }),
    ).toThrow(/rules\.0\.attribute.*\n.*rules\.0\.licences.*\n.*extra/s);
  });

  it('chooses by the first matching rule, case-insensitively, else the default', () => {
    const mapping = resolveMapping(config, skus);
    expect(chooseLicences(mapping, { extensionAttribute1: 'e3', employeeType: 'N' })?.reason).toBe(
      'extensionAttribute1 is e3 (rule 1)',
    );
    expect(chooseLicences(mapping, { employeeType: ' contractor ' })?.licences[0]?.skuPartNumber).toBe(
      'POWER_BI_PRO',
    );
    expect(chooseLicences(mapping, { department: 'Sales' })?.reason).toBe(
      'no rule matched: the default licence',
    );
    const noDefault = resolveMapping(parseProvisioningConfig({ rules: config.rules }), skus);
    expect(chooseLicences(noDefault, {})).toBeNull();
  });

  it('takes the usage location from the row, then the configured source order, then the default', () => {
    expect(chooseUsageLocation(config, { row: 'fr', directory: 'US', entra: 'GB' })).toEqual({
      value: 'FR',
      source: 'row',
    });
    expect(chooseUsageLocation(config, { directory: 'us', entra: 'GB' })).toEqual({
      value: 'US',
      source: 'directory',
    });
    expect(chooseUsageLocation(config, { entra: 'GB' })).toEqual({ value: 'GB', source: 'entra' });
    expect(chooseUsageLocation(config, { entra: 'Great Britain' })).toEqual({
      value: 'DE',
      source: 'default',
    });
    const entraOnly = parseProvisioningConfig({ usageLocation: { sources: ['entra'] } });
    expect(chooseUsageLocation(entraOnly, { directory: 'US' })).toBeNull();
  });
});

describe('seat stock', () => {
  it('reserves seats all-or-nothing and stops a SKU at zero', () => {
    const ledger = new SeatLedger(skus);
    const first = ledger.reserve(['sku-e3']);
    const second = ledger.reserve(['sku-e3']);
    expect(first.ok && second.ok).toBe(true);
    expect(ledger.reserve(['sku-e3'])).toEqual({
      ok: false,
      message: 'No free seats left of SPE_E3: licence not assigned',
    });
    if (second.ok) second.release();
    expect(ledger.freeOf('SKU-E3')).toBe(1);
    expect(ledger.reserve(['sku-e3', 'sku-bi']).ok).toBe(false);
    expect(ledger.freeOf('sku-e3')).toBe(1);
  });

  it('warns below the threshold and at zero', () => {
    expect(stockWarnings(skus, ['sku-e3', 'sku-bi'], 5)).toEqual([
      'SPE_E3: only 2 free seat(s) left',
      'POWER_BI_PRO: no free seats (5 of 5 used)',
    ]);
  });
});

describe('pending joiners', () => {
  const pending = parseProvisioningConfig({
    pending: { horizonHours: 24, firstRetryMinutes: 5, maxRetryMinutes: 120 },
  });
  it('backs off exponentially up to the cap', () => {
    const t0 = 0;
    expect(nextPendingAttempt(pending, 1, t0, t0)).toBe(5 * 60_000);
    expect(nextPendingAttempt(pending, 3, t0, t0)).toBe(20 * 60_000);
    expect(nextPendingAttempt(pending, 10, t0, t0)).toBe(120 * 60_000);
  });
  it('gives up once the next attempt would pass the horizon', () => {
    const now = 23 * 3_600_000;
    expect(nextPendingAttempt(pending, 10, 0, now)).toBeNull();
    expect(nextPendingAttempt(pending, 1, 0, now)).toBe(now + 5 * 60_000);
  });
});
