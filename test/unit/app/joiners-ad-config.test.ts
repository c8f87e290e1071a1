import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config.js';

const ad = {
  AD_URL: 'ldaps://dc1.corp.example:636',
  AD_BIND_DN: 'CN=svc-lifecycle,OU=Service Accounts,DC=corp,DC=example',
  AD_BIND_PASSWORD: 'not-a-real-password',
  AD_BASE_DN: 'DC=corp,DC=example',
};
const group = 'CN=O365_Provision,OU=Groups,DC=corp,DC=example';
const sandbox = { LIFECYCLE_MODE: 'sandbox', SANDBOX_URL: 'http://127.0.0.1:4010', ...ad };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('JOINERS_AD_* settings', () => {
  it('leave the trigger off when JOINERS_AD_GROUP_DN is unset', () => {
    expect(loadConfig(sandbox).joinersAdGroup).toBeUndefined();
  });

  it('refuse the trigger when provisioning needs an approval: nobody approves the group members', () => {
    expect(
      problemsOf({ ...sandbox, JOINERS_AD_GROUP_DN: group, APPROVAL_REQUIRED_PROVISION: 'true' }),
    ).toContain('JOINERS_AD_GROUP_DN provisions without an approval: unset APPROVAL_REQUIRED_PROVISION');
  });

  it('default to a 15-minute schedule, the remove follow-up and 100 members per run', () => {
    expect(loadConfig({ ...sandbox, JOINERS_AD_GROUP_DN: group }).joinersAdGroup).toEqual({
      groupDn: group,
      schedule: '*/15 * * * *',
      followUp: { kind: 'remove' },
      maxPerRun: 100,
    });
  });

  it('read a move to the licensed group, a schedule and a per-run cap', () => {
    const config = loadConfig({
      ...sandbox,
      JOINERS_AD_GROUP_DN: group,
      JOINERS_AD_FOLLOW_UP: 'move:CN=O365_License\\, EU,OU=Groups,DC=corp,DC=example',
      JOINERS_AD_SCHEDULE: '5 7-19 * * mon-fri',
      JOINERS_AD_MAX_PER_RUN: '25',
    });
    expect(config.joinersAdGroup).toEqual({
      groupDn: group,
      schedule: '5 7-19 * * mon-fri',
      followUp: { kind: 'move', licensedGroupDn: 'CN=O365_License\\, EU,OU=Groups,DC=corp,DC=example' },
      maxPerRun: 25,
    });
  });

  it('refuse bad values with the variable named, all at once', () => {
    const problems = problemsOf({
      ...sandbox,
      JOINERS_AD_GROUP_DN: 'O365_Provision',
      JOINERS_AD_FOLLOW_UP: 'delete',
      JOINERS_AD_SCHEDULE: 'every 5 minutes',
      JOINERS_AD_MAX_PER_RUN: '0',
    });
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^JOINERS_AD_GROUP_DN: /);
    expect(problems.find((p) => p.startsWith('JOINERS_AD_FOLLOW_UP:'))).toContain(
      'must be remove or move:<licensed group DN>',
    );
    expect(problems.find((p) => p.startsWith('JOINERS_AD_SCHEDULE:'))).toContain(
      'five-field cron expression',
    );
    expect(problems.some((p) => p.startsWith('JOINERS_AD_MAX_PER_RUN:'))).toBe(true);
  });

  it('refuse a move to the group itself, a malformed licensed group DN, and settings without the group', () => {
    expect(
      problemsOf({
        ...sandbox,
        JOINERS_AD_GROUP_DN: group,
        JOINERS_AD_FOLLOW_UP: `move:${group.toLowerCase()}`,
      }),
    ).toEqual(['JOINERS_AD_FOLLOW_UP: the licensed group must differ from JOINERS_AD_GROUP_DN']);
    expect(
      problemsOf({ ...sandbox, JOINERS_AD_GROUP_DN: group, JOINERS_AD_FOLLOW_UP: 'move:CN=x\\' })[0],
    ).toMatch(/^JOINERS_AD_FOLLOW_UP: must be remove or move/);
    expect(problemsOf({ ...sandbox, JOINERS_AD_FOLLOW_UP: 'remove' })).toEqual([
      'JOINERS_AD_FOLLOW_UP needs JOINERS_AD_GROUP_DN (the trigger is off without it)',
    ]);
  });

  it('need the AD connection and, outside sandbox mode, the licence mapping', () => {
    const { AD_URL: _url, ...withoutAd } = sandbox;
    expect(problemsOf({ ...withoutAd, JOINERS_AD_GROUP_DN: group })).toContain(
      'JOINERS_AD_GROUP_DN needs the AD connection (AD_URL, AD_BIND_DN, AD_BIND_PASSWORD, AD_BASE_DN)',
    );
    const production = problemsOf({ ...ad, JOINERS_AD_GROUP_DN: group });
    expect(production).toContain('JOINERS_AD_GROUP_DN needs the licence mapping (PROVISIONING_CONFIG_FILE)');
  });
});
