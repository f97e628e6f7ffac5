import { describe, expect, it } from 'vitest';
import { parseJsonExact } from '../../lib/http/exact-json';

describe('parseJsonExact', () => {
  it('keeps IDs above 2^53 as their exact decimal text, in ID keys and ID lists', () => {
    expect(
      parseJsonExact(
        '{"eventId": 9007199254740993, "hs_object_id": 18446744073709551615, "mergedObjectIds": [9007199254740995, 7]}',
      ),
    ).toEqual({
      eventId: '9007199254740993',
      hs_object_id: '18446744073709551615',
      mergedObjectIds: ['9007199254740995', 7],
    });
  });

  it('leaves a huge number elsewhere a number, so a field that wants text still refuses it', () => {
    // A property test found subscriptionType -2^53 read as the text "-9007199254740992" and accepted.
    expect(parseJsonExact('{"subscriptionType": -9007199254740992, "amount": 1e21}')).toEqual({
      subscriptionType: -9007199254740992,
      amount: 1e21,
    });
  });
});
