/**
 * `reply`: compared with `is_reply`. When `is_reply` is absent the flow never matches, unless
 * its verdict is DROPPED, in which case it counts as `false` (verified against v0.12.3).
 */
import type { FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { VERDICT, enumSetTest } from './enum-match.js';

/** Builder for `reply`. */
export const replyBuilder: FilterBuilder = {
  name: 'reply',
  help: 'reply: is_reply (absent counts as false for DROPPED flows only)',
  build(filter) {
    if (!isSet(filter.reply)) return [];
    const wantTrue = filter.reply.includes(true);
    const wantFalse = filter.reply.includes(false);
    const dropped = enumSetTest(VERDICT, ['DROPPED']);
    return [
      {
        field: 'reply',
        match: (f) => {
          const r = f.is_reply;
          if (r === undefined) return wantFalse && dropped(f.verdict);
          return r ? wantTrue : wantFalse;
        },
      },
    ];
  },
};
