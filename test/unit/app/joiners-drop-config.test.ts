import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config.js';

const sandbox = { LIFECYCLE_MODE: 'sandbox', LOG_LEVEL: 'silent' };
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...sandbox, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('joiners drop folder settings', () => {
  it('is off until a folder is configured, and off again with the schedule off', () => {
    expect(loadConfig(sandbox).joinersDropFolder).toBeNull();
    expect(
      loadConfig({ ...sandbox, JOINERS_DROP_FOLDER: '/srv/idm', JOINERS_DROP_SCHEDULE: 'off' })
        .joinersDropFolder,
    ).toBeNull();
  });

  it('reads the folder, the schedule and the settle time', () => {
    expect(loadConfig({ ...sandbox, JOINERS_DROP_FOLDER: '/srv/idm' }).joinersDropFolder).toEqual({
      folder: '/srv/idm',
      schedule: '*/15 * * * *',
      settleMs: 2000,
    });
    expect(
      loadConfig({
        ...sandbox,
        JOINERS_DROP_FOLDER: '/srv/idm',
        JOINERS_DROP_SCHEDULE: '5 6 * * mon-fri',
        JOINERS_DROP_SETTLE_SECONDS: '0',
      }).joinersDropFolder,
    ).toEqual({ folder: '/srv/idm', schedule: '5 6 * * mon-fri', settleMs: 0 });
  });

  it('refuses a relative folder, a bad schedule and a folder that would need approvals', () => {
    expect(problemsOf({ JOINERS_DROP_FOLDER: 'idm' })).toEqual([
      'JOINERS_DROP_FOLDER: must be an absolute path',
    ]);
    expect(problemsOf({ JOINERS_DROP_FOLDER: '/srv/idm', JOINERS_DROP_SCHEDULE: 'hourly' })).toEqual([
      'JOINERS_DROP_SCHEDULE: must be a five-field cron expression (minute hour day month weekday, UTC) or off',
    ]);
    expect(problemsOf({ JOINERS_DROP_FOLDER: '/srv/idm', APPROVAL_REQUIRED_PROVISION: 'true' })).toEqual([
      'JOINERS_DROP_FOLDER provisions without an approval: unset APPROVAL_REQUIRED_PROVISION',
    ]);
  });
});
