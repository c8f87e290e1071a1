import { describe, expect, it } from 'vitest';
import { toLicenceAssignments } from '../../../../src/connectors/graph/graph-licences.js';
import { randomPassword } from '../../../../src/connectors/graph/random-password.js';

const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';
const GROUP = '0f1e2d3c-0000-4000-8000-00000000000a';

describe('licence assignments', () => {
  it('reports direct and group-inherited assignments of the same SKU separately', () => {
    const result = toLicenceAssignments(
      {
        id: 'u',
        assignedLicenses: [{ skuId: E3, disabledPlans: [] }],
        licenseAssignmentStates: [
          { skuId: E3, assignedByGroup: null, state: 'Active', disabledPlans: [] },
          { skuId: E3, assignedByGroup: GROUP, state: 'Active', disabledPlans: [] },
        ],
      },
      new Map([[E3, 'ENTERPRISEPACK']]),
    );
    expect(result).toEqual([
      {
        skuId: E3,
        skuPartNumber: 'ENTERPRISEPACK',
        assignedByGroup: null,
        disabledPlans: [],
        state: 'Active',
      },
      {
        skuId: E3,
        skuPartNumber: 'ENTERPRISEPACK',
        assignedByGroup: GROUP,
        disabledPlans: [],
        state: 'Active',
      },
    ]);
  });

  it('falls back to assignedLicenses as direct when states are absent', () => {
    expect(
      toLicenceAssignments({ id: 'u', assignedLicenses: [{ skuId: E3, disabledPlans: ['p'] }] }, new Map()),
    ).toEqual([{ skuId: E3, skuPartNumber: undefined, assignedByGroup: null, disabledPlans: ['p'] }]);
  });
});

describe('random passwords', () => {
  it('have all four character classes and differ each time', () => {
    const a = randomPassword();
    expect(a).toHaveLength(32);
    expect(a).toMatch(/[A-Z]/);
    expect(a).toMatch(/[a-z]/);
    expect(a).toMatch(/[0-9]/);
    expect(a).toMatch(/[^A-Za-z0-9]/);
    expect(randomPassword()).not.toBe(a);
  });
});
