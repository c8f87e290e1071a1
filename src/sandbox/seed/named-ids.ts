/** Fixed ids of the named seed organisation (documented in docs/sandbox.md). */
const u = (n: number): string => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const g = (n: number): string => `20000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Ids of the seeded people and groups, by role. */
export const seeded = {
  users: {
    adeleVance: u(1),
    meganBowen: u(2),
    gradyArchie: u(3),
    leeGu: u(4),
    nestorWilke: u(5),
    lynneRobbins: u(6),
    pradeepGupta: u(7),
    saraDavis: u(8),
    alexJohnsonSales: u(9),
    alexJohnsonFinance: u(10),
    pattiFernandez: u(11),
    breakGlass: u(12),
    isaiahLanger: u(13),
    miriamGraham: u(14),
    joniSherman: u(15),
    irvinSayers: u(16),
    johannaLorenz: u(17),
    diegoSiciliani: u(18),
    isabelleDubois: u(19),
    christieCline: u(20),
    rayKim: u(21),
    sofiaRossi: u(22),
    tomasNovak: u(23),
    lifecycleBot: u(24),
    support: u(30),
    billing: u(31),
    finance: u(32),
  },
  groups: {
    salesTeam: g(1),
    retailSecurity: g(2),
    allSalesDynamic: g(3),
    salesSynced: g(4),
    salesDistribution: g(5),
    licensingEms: g(6),
    engineeringSynced: g(7),
    lifecycleProtected: g(8),
    lifecycleRequesters: g(9),
    lifecycleApprovers: g(10),
    financeMailSecurity: g(11),
    retailMailSecurity: g(12),
  },
  /** OneDrive items (Graph drive item ids). */
  driveItems: {
    adeleForecast: '01ADELEVANCE00000000000000000001',
    adelePlaybook: '01ADELEVANCE00000000000000000002',
  },
  teamsApp: {
    catalogId: '55555555-5555-4555-8555-555555555555',
    manifestId: '44444444-4444-4444-8444-444444444444',
  },
} as const;
