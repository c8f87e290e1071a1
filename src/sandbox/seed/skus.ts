/** Seeded subscriptions with real SKU and service-plan ids; consumed units are computed from assignments. */
import type { ServicePlanInfo, SkuRecord } from '../state/directory-types.js';

const plan = (servicePlanId: string, servicePlanName: string): ServicePlanInfo => ({
  servicePlanId,
  servicePlanName,
  provisioningStatus: 'Success',
  appliesTo: 'User',
});

const exchangeEnterprise = plan('efb87545-963c-4e0d-99df-69c6916d9eb0', 'EXCHANGE_S_ENTERPRISE');
const exchangeStandard = plan('9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'EXCHANGE_S_STANDARD');
const sharePoint = plan('5dbe027f-2339-4123-9542-606e4d348a72', 'SHAREPOINTENTERPRISE');
const teams = plan('57ff2da0-773e-42df-b2af-ffb7a2317929', 'TEAMS1');
const officeApps = plan('43de0ff5-c92c-492b-9116-175376d08c38', 'OFFICESUBSCRIPTION');
const skypeOnline = plan('0feaeb32-d00e-4d66-bd5a-43b5b83db82c', 'MCOSTANDARD');
const intune = plan('c1ec4a95-1f05-45b3-a911-aa3fa01094f5', 'INTUNE_A');
const aadPremium2 = plan('eec0eb4f-6444-4f95-aba0-50c24d67f998', 'AAD_PREMIUM_P2');
const powerBi = plan('70d33638-9c74-4d01-bfd3-562de28bd4ba', 'BI_AZURE_P2');

export const skuIds = {
  SPE_E3: '05e9a617-0261-4cee-bb44-138d3ef5d965',
  ENTERPRISEPACK: '6fd2c87f-b296-42f0-b197-1e91e994b900',
  EXCHANGESTANDARD: '4b9405b0-7788-4568-add1-99614e613b69',
  EXCHANGEENTERPRISE: '19ec0d23-8335-4cbd-94ac-6050e30712fa',
  EMSPREMIUM: 'b05e124f-c7cc-45a0-a6aa-8cf78c946968',
  POWER_BI_PRO: 'f8a1db68-be16-40ed-86d5-cb42ce701560',
} as const;

function sku(
  skuId: string,
  skuPartNumber: string,
  enabled: number,
  external: number,
  plans: ServicePlanInfo[],
  n: number,
): SkuRecord {
  return {
    skuId,
    skuPartNumber,
    accountId: '11111111-1111-4111-8111-111111111111',
    accountName: 'Contoso',
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    prepaidUnits: { enabled, lockedOut: 0, suspended: 0, warning: 0 },
    externallyConsumedUnits: external,
    servicePlans: plans,
    subscriptionIds: [`7a1e0000-0000-4000-8000-00000000000${n}`],
  };
}

/**
 * `externallyConsumed` stands for seats used by accounts the sandbox does not model, so the numbers look like
 * a real tenant: POWER_BI_PRO is nearly exhausted (a joiner assignment can hit "no available licenses").
 */
export function seededSkus(): SkuRecord[] {
  return [
    sku(
      skuIds.SPE_E3,
      'SPE_E3',
      250,
      180,
      [exchangeEnterprise, sharePoint, teams, officeApps, skypeOnline, intune],
      1,
    ),
    sku(
      skuIds.ENTERPRISEPACK,
      'ENTERPRISEPACK',
      50,
      31,
      [exchangeEnterprise, sharePoint, teams, officeApps, skypeOnline],
      2,
    ),
    sku(skuIds.EXCHANGESTANDARD, 'EXCHANGESTANDARD', 40, 22, [exchangeStandard], 3),
    sku(skuIds.EXCHANGEENTERPRISE, 'EXCHANGEENTERPRISE', 10, 4, [exchangeEnterprise], 4),
    sku(skuIds.EMSPREMIUM, 'EMSPREMIUM', 300, 200, [intune, aadPremium2], 5),
    sku(skuIds.POWER_BI_PRO, 'POWER_BI_PRO', 20, 18, [powerBi], 6),
  ];
}
