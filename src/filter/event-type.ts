/**
 * `event_type`: an element matches when its `type` is 0 or equals the flow's event type, and,
 * only if `match_sub_type` is true, its `sub_type` equals the flow's sub type. `sub_type` is
 * ignored otherwise (verified: `{"type":1,"sub_type":5}` matches every drop). Flows without
 * `event_type` never match.
 */
import type { CiliumEventType } from '../flow/types.js';
import type { FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import type { EventTypeFilter } from './types.js';

/** Monitor message type of L7 (access log) events. */
export const EVENT_TYPE_L7 = 129;

function elementMatches(e: EventTypeFilter, et: CiliumEventType): boolean {
  const t = e.type ?? 0;
  if (t !== 0 && t !== (et.type ?? 0)) return false;
  return !e.match_sub_type || (e.sub_type ?? 0) === (et.sub_type ?? 0);
}

/** Builder for `event_type`. */
export const eventTypeBuilder: FilterBuilder = {
  name: 'event-type',
  help: 'event_type: monitor event type and optional sub type',
  build(filter) {
    if (!isSet(filter.event_type)) return [];
    const elements = filter.event_type.slice();
    if (elements.length === 1) {
      const [e] = elements;
      return [
        { field: 'event_type', match: (f) => f.event_type !== undefined && elementMatches(e, f.event_type) },
      ];
    }
    return [
      {
        field: 'event_type',
        match: (f) => {
          const et = f.event_type;
          if (et === undefined) return false;
          for (const e of elements) if (elementMatches(e, et)) return true;
          return false;
        },
      },
    ];
  },
};
