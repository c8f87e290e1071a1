import { describe, expect, it } from 'vitest';
import {
  batchOptionNames,
  batchOptionsText,
  parseBatchOptionPairs,
  splitOptionArguments,
  withBatchOptions,
} from '../../../../src/core/offboard/batch-options.js';
import { offboardOptionsSchema } from '../../../../src/core/offboard/offboard-input.js';

describe('batch options (--option name=value)', () => {
  it('keeps only what was chosen, typed by the option', () => {
    expect(
      parseBatchOptionPairs([
        'blockMailClients=false',
        'deleteAfterDays=30',
        'organizedMeetings=cancel',
        'autoReply=Left on 1 December; write to hr@contoso.com',
      ]),
    ).toEqual({
      blockMailClients: false,
      deleteAfterDays: 30,
      organizedMeetings: 'cancel',
      autoReply: 'Left on 1 December; write to hr@contoso.com',
    });
    // A text option takes digits as text; a nullable one takes null.
    expect(parseBatchOptionPairs(['autoReply=2026', 'deleteAfterDays=null'])).toEqual({
      autoReply: '2026',
      deleteAfterDays: null,
    });
    expect(parseBatchOptionPairs([])).toEqual({});
  });

  it('refuses malformed, repeated, unknown, per-person and out-of-range options', () => {
    expect(() => parseBatchOptionPairs(['=true'])).toThrow(/name=value/);
    expect(() => parseBatchOptionPairs(['removeGroups=false', 'removeGroups=true'])).toThrow(/given twice/);
    expect(() => parseBatchOptionPairs(['removeGroup=false'])).toThrow(/no such option/);
    expect(() => parseBatchOptionPairs(['constructor=1'])).toThrow(/--option constructor: no such option/);
    expect(() => parseBatchOptionPairs(['__proto__=x'])).toThrow(/--option __proto__: no such option/);
    expect(() => parseBatchOptionPairs(['toString=x'])).toThrow(/no such option/);
    expect(() => parseBatchOptionPairs(['forwardTo=hr@contoso.com'])).toThrow(/per leaver/);
    expect(() => parseBatchOptionPairs(['wipeCorporateDevices=true'])).toThrow(/per leaver/);
    expect(() => parseBatchOptionPairs(['meetingWindowDays=0'])).toThrow(/meetingWindowDays=0/);
    expect(() => parseBatchOptionPairs(['organizedMeetings=delete'])).toThrow(/organizedMeetings=delete/);
    expect(() => parseBatchOptionPairs(['convertToShared=yes'])).toThrow(/expected boolean/);
  });

  it("gives each leaver the checklist's defaults with the batch's choices, and never a per-person one", () => {
    const defaults = offboardOptionsSchema.parse({});
    expect(withBatchOptions(undefined)).toEqual(defaults);
    expect(withBatchOptions({ blockMailClients: false })).toEqual({ ...defaults, blockMailClients: false });
    expect(() => withBatchOptions({ wipeCorporateDevices: true } as never)).toThrow(/batch/);
    expect(() => withBatchOptions({ removeGroups: 'no' } as never)).toThrow();
    expect(batchOptionNames).not.toContain('forwardTo');
    expect(batchOptionNames).not.toContain('wipeCorporateDevices');
    expect(batchOptionsText({ shareOneDrive: false, autoReply: 'Gone' })).toEqual([
      'autoReply="Gone"',
      'shareOneDrive=false',
    ]);
  });

  it('splits a chat command into its --option pairs and the rest, quotes straight or curly', () => {
    expect(splitOptionArguments('--from --option shareOneDrive=false')).toEqual({
      rest: '--from',
      pairs: ['shareOneDrive=false'],
    });
    expect(
      splitOptionArguments(
        'a@x.com, b@x.com --option removeGroups=false --option autoReply="Gone; ask hr@x.com"',
      ),
    ).toEqual({ rest: 'a@x.com, b@x.com', pairs: ['removeGroups=false', 'autoReply=Gone; ask hr@x.com'] });
    expect(splitOptionArguments('--from --option autoReply=“Gone for good”').pairs).toEqual([
      'autoReply=Gone for good',
    ]);
    // Nothing usable after --option: it stays in the rest, where the command refuses it.
    expect(splitOptionArguments('a@x.com, b@x.com --option').rest).toBe('a@x.com, b@x.com --option');
    expect(splitOptionArguments('a@x.com, b@x.com')).toEqual({ rest: 'a@x.com, b@x.com', pairs: [] });
  });
});
