/**
 * The licence mapping: which SKUs (and which of their service plans disabled) a joiner gets, chosen
 * from one of their attributes. Parsed from configuration with zod, then resolved against the tenant's
 * subscribed SKUs so that an unknown SKU or plan name fails at start-up, not at the first joiner.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import type { SubscribedSku } from '../ports/licences.js';

/** Attributes a rule may test: Entra user properties and the on-premises extension attributes. */
export const mappingAttributes = [
  'employeeType',
  'department',
  'jobTitle',
  'userType',
  ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
] as const;
export type MappingAttribute = (typeof mappingAttributes)[number];

const licenceSchema = z
  .object({
    /** SKU part number as in `subscribedSkus` (`SPE_E3`, `EXCHANGESTANDARD`). */
    sku: z.string().trim().min(1).max(100),
    /** Service plan names to disable (`INTUNE_A`). */
    disabledPlans: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  })
  .strict();

const ruleSchema = z
  .object({
    attribute: z.enum(mappingAttributes),
    /** Matched case-insensitively after trimming; one value or several. */
    equals: z.union([z.string().trim().min(1).max(256), z.array(z.string().trim().min(1).max(256)).min(1)]),
    licences: z.array(licenceSchema).min(1).max(10),
  })
  .strict();

const countryCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, 'must be a two-letter ISO country code')
  .transform((v) => v.toUpperCase());

/**
 * A settings section: unknown keys are refused and, left out, the empty section is parsed, so every
 * setting takes the default written on it (once).
 */
function section<T extends Record<string, z.ZodDefault>>(shape: T) {
  const schema = z.object(shape).strict();
  // Every setting has a default, so `{}` is valid input; TypeScript can't see that through `T`.
  return schema.prefault({} as z.input<typeof schema>);
}

export const usageLocationSources = ['directory', 'entra', 'default'] as const;
export type UsageLocationSource = (typeof usageLocationSources)[number] | 'row';

export const provisioningConfigSchema = z
  .object({
    /** First matching rule wins. */
    rules: z.array(ruleSchema).max(200).default([]),
    /** Licences of joiners no rule matches; null: such joiners are reported, not licensed. */
    default: z
      .object({ licences: z.array(licenceSchema).min(1).max(10) })
      .strict()
      .nullable()
      .default(null),
    usageLocation: section({
      /** Tried in order: AD `c` (when a directory is configured), Entra `usageLocation`, the default. */
      sources: z.array(z.enum(usageLocationSources)).min(1).default(['directory', 'entra', 'default']),
      default: countryCode.nullable().default(null),
    }),
    seats: section({ warnBelow: z.number().int().min(0).max(100_000).default(5) }),
    pending: section({
      /** Joiners not yet in Entra are retried for this long, then reported. */
      horizonHours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(24),
      firstRetryMinutes: z
        .number()
        .min(0.001)
        .max(24 * 60)
        .default(5),
      maxRetryMinutes: z
        .number()
        .min(0.001)
        .max(24 * 60)
        .default(120),
      pollSeconds: z.number().min(0.05).max(3600).default(60),
    }),
    mailbox: section({
      /** Wait between mailbox checks after licensing; the runner retries up to its attempt budget. */
      pollSeconds: z.number().min(0.01).max(600).default(30),
    }),
    batch: section({ concurrency: z.number().int().min(1).max(32).default(4) }),
    report: section({
      /** Also e-mail the batch report to these addresses (Graph sendMail from the notice sender). */
      mailTo: z.array(z.email()).max(20).default([]),
    }),
  })
  .strict();

export type ProvisioningConfig = z.infer<typeof provisioningConfigSchema>;

/** Parse configuration JSON; every problem is listed in one InvalidInputError. */
export function parseProvisioningConfig(
  raw: unknown,
  origin = 'provisioning configuration',
): ProvisioningConfig {
  const parsed = provisioningConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InvalidInputError(`The ${origin} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}

/** A licence resolved against the tenant: ids the Graph API takes, names for people. */
export interface ResolvedLicence {
  skuId: string;
  skuPartNumber: string;
  disabledPlanIds: string[];
  disabledPlanNames: string[];
  /** The SKU carries an enabled Exchange Online plan: a mailbox follows the assignment. */
  hasMailbox: boolean;
}

export interface ResolvedRule {
  attribute: MappingAttribute;
  values: string[];
  licences: ResolvedLicence[];
}

export interface ResolvedMapping {
  rules: ResolvedRule[];
  default: ResolvedLicence[] | null;
  config: ProvisioningConfig;
}

const isExchangePlan = (name: string): boolean => /^EXCHANGE_S_/i.test(name) || /^EXCHANGE_L_/i.test(name);

/**
 * Check every SKU and plan name against the tenant's subscriptions. Throws InvalidInputError listing
 * every unknown SKU part number and service plan name at once.
 */
export function resolveMapping(config: ProvisioningConfig, skus: readonly SubscribedSku[]): ResolvedMapping {
  const byPart = new Map(skus.map((s) => [s.skuPartNumber.toLowerCase(), s]));
  const problems: string[] = [];
  const resolve = (licence: z.infer<typeof licenceSchema>, where: string): ResolvedLicence => {
    const sku = byPart.get(licence.sku.toLowerCase());
    if (!sku) {
      problems.push(`${where}: unknown SKU ${licence.sku}`);
      return {
        skuId: '',
        skuPartNumber: licence.sku,
        disabledPlanIds: [],
        disabledPlanNames: [],
        hasMailbox: false,
      };
    }
    const plans = new Map(sku.servicePlans.map((p) => [p.servicePlanName.toLowerCase(), p]));
    const disabled = licence.disabledPlans.flatMap((name) => {
      const plan = plans.get(name.toLowerCase());
      if (!plan) problems.push(`${where}: SKU ${sku.skuPartNumber} has no service plan ${name}`);
      return plan ? [plan] : [];
    });
    const disabledIds = new Set(disabled.map((p) => p.servicePlanId));
    return {
      skuId: sku.skuId,
      skuPartNumber: sku.skuPartNumber,
      disabledPlanIds: [...disabledIds],
      disabledPlanNames: disabled.map((p) => p.servicePlanName),
      hasMailbox: sku.servicePlans.some(
        (p) => isExchangePlan(p.servicePlanName) && !disabledIds.has(p.servicePlanId),
      ),
    };
  };
  const rules = config.rules.map((rule, i) => ({
    attribute: rule.attribute,
    values: (Array.isArray(rule.equals) ? rule.equals : [rule.equals]).map((v) => v.toLowerCase()),
    licences: rule.licences.map((l, j) => resolve(l, `rules[${i}].licences[${j}]`)),
  }));
  const fallback = config.default?.licences.map((l, j) => resolve(l, `default.licences[${j}]`)) ?? null;
  if (problems.length > 0) {
    const known = skus.map((s) => s.skuPartNumber).join(', ');
    throw new InvalidInputError(
      `The licence mapping does not match the tenant's subscriptions:\n  - ${problems.join('\n  - ')}\n` +
        `Subscribed SKUs: ${known || 'none'}`,
    );
  }
  return { rules, default: fallback, config };
}

/** The attribute values a rule can see: the Entra user's, overridden by the import row's columns. */
export type AttributeValues = Partial<Record<MappingAttribute, string>>;

export interface LicenceChoice {
  licences: ResolvedLicence[];
  /** Why, for cards and reports ("extensionAttribute1 is E3 (rule 1)"). */
  reason: string;
}

export function chooseLicences(mapping: ResolvedMapping, values: AttributeValues): LicenceChoice | null {
  for (const [i, rule] of mapping.rules.entries()) {
    const value = values[rule.attribute]?.trim();
    if (value && rule.values.includes(value.toLowerCase())) {
      return { licences: rule.licences, reason: `${rule.attribute} is ${value} (rule ${i + 1})` };
    }
  }
  if (mapping.default) return { licences: mapping.default, reason: 'no rule matched: the default licence' };
  return null;
}

export interface UsageLocationChoice {
  value: string;
  source: UsageLocationSource;
}

/** The first source in the configured order that has a country code. */
export function chooseUsageLocation(
  config: ProvisioningConfig,
  found: { row?: string; directory?: string; entra?: string },
): UsageLocationChoice | null {
  const valid = (v: string | undefined): string | undefined =>
    v && /^[A-Za-z]{2}$/.test(v.trim()) ? v.trim().toUpperCase() : undefined;
  const row = valid(found.row);
  if (row) return { value: row, source: 'row' };
  for (const source of config.usageLocation.sources) {
    const value = source === 'default' ? (config.usageLocation.default ?? undefined) : valid(found[source]);
    if (value) return { value, source };
  }
  return null;
}
