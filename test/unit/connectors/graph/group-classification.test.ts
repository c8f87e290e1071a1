import { describe, expect, it } from 'vitest';
import { classifyMembership } from '../../../../src/connectors/graph/group-classification.js';

const group = (extra: Record<string, unknown>) => ({
  '@odata.type': '#microsoft.graph.group',
  id: 'g',
  displayName: 'G',
  ...extra,
});

describe('membership classification', () => {
  it('classifies every kind without dropping any group', () => {
    expect(
      classifyMembership(
        group({
          groupTypes: ['Unified'],
          mailEnabled: true,
          securityEnabled: false,
          resourceProvisioningOptions: ['Team'],
        }),
      ),
    ).toMatchObject({
      kind: 'microsoft365',
      isTeam: true,
      isMailEnabled: false,
    });
    expect(
      classifyMembership(group({ groupTypes: [], mailEnabled: true, securityEnabled: true })),
    ).toMatchObject({ kind: 'mail-enabled-security', isMailEnabled: true });
    expect(
      classifyMembership(group({ groupTypes: [], mailEnabled: true, securityEnabled: false })),
    ).toMatchObject({ kind: 'distribution', isMailEnabled: true });
    expect(
      classifyMembership(
        group({ groupTypes: ['DynamicMembership'], mailEnabled: false, securityEnabled: true }),
      ),
    ).toMatchObject({ kind: 'security', isDynamic: true });
    expect(classifyMembership(group({ onPremisesSyncEnabled: true, securityEnabled: true }))).toMatchObject({
      kind: 'security',
      isSynced: true,
    });
    expect(classifyMembership(group({ isAssignableToRole: true, securityEnabled: true }))).toMatchObject({
      kind: 'role',
    });
    expect(
      classifyMembership({
        '@odata.type': '#microsoft.graph.directoryRole',
        id: 'r',
        displayName: 'User Administrator',
      }),
    ).toMatchObject({ kind: 'role' });
  });

  it('returns null for administrative units', () => {
    expect(classifyMembership({ '@odata.type': '#microsoft.graph.administrativeUnit', id: 'au' })).toBeNull();
  });
});
