/**
 * Enum equality fields: `verdict`, `drop_reason_desc` (v1.19), `traffic_direction` and
 * `ip_version`. Absent flow values are the zero value (`VERDICT_UNKNOWN`, ...).
 */
import type { FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import {
  DROP_REASON,
  IP_VERSION,
  TRAFFIC_DIRECTION,
  VERDICT,
  enumLineTest,
  enumSetTest,
} from './enum-match.js';

/** Builder for `verdict`. */
export const verdictBuilder: FilterBuilder = {
  name: 'verdict',
  help: 'verdict: flow verdict (FORWARDED, DROPPED, ...)',
  build(filter) {
    if (!isSet(filter.verdict)) return [];
    const test = enumSetTest(VERDICT, filter.verdict);
    return [
      { field: 'verdict', match: (f) => test(f.verdict), lineTest: enumLineTest(VERDICT, filter.verdict) },
    ];
  },
};

/** Builder for `drop_reason_desc` (v1.19 extension): verdict DROPPED and an equal drop reason. */
export const dropReasonDescBuilder: FilterBuilder = {
  name: 'drop-reason-desc',
  help: 'drop_reason_desc: drop reason of DROPPED flows (v1.19 extension)',
  build(filter) {
    if (!isSet(filter.drop_reason_desc)) return [];
    const dropped = enumSetTest(VERDICT, ['DROPPED']);
    const test = enumSetTest(DROP_REASON, filter.drop_reason_desc);
    return [
      {
        field: 'drop_reason_desc',
        match: (f) => dropped(f.verdict) && test(f.drop_reason_desc),
        lineTest: enumLineTest(DROP_REASON, filter.drop_reason_desc),
      },
    ];
  },
};

/** Builder for `traffic_direction`. */
export const trafficDirectionBuilder: FilterBuilder = {
  name: 'traffic-direction',
  help: 'traffic_direction: INGRESS or EGRESS',
  build(filter) {
    if (!isSet(filter.traffic_direction)) return [];
    const test = enumSetTest(TRAFFIC_DIRECTION, filter.traffic_direction);
    return [
      {
        field: 'traffic_direction',
        match: (f) => test(f.traffic_direction),
        lineTest: enumLineTest(TRAFFIC_DIRECTION, filter.traffic_direction),
      },
    ];
  },
};

/** Builder for `ip_version`: a flow without `IP` counts as IP_NOT_USED. */
export const ipVersionBuilder: FilterBuilder = {
  name: 'ip-version',
  help: 'ip_version: IPv4, IPv6 or IP_NOT_USED',
  build(filter) {
    if (!isSet(filter.ip_version)) return [];
    const test = enumSetTest(IP_VERSION, filter.ip_version);
    return [
      {
        field: 'ip_version',
        match: (f) => test(f.IP?.ipVersion),
        lineTest: enumLineTest(IP_VERSION, filter.ip_version),
      },
    ];
  },
};
