/** `uuid`: exact equality with `flow.uuid`. */
import type { FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { anyLine, quotedToken } from './line-test.js';

/** Builder for `uuid`. */
export const uuidBuilder: FilterBuilder = {
  name: 'uuid',
  help: 'uuid: exact flow UUID',
  build(filter) {
    if (!isSet(filter.uuid)) return [];
    const wanted = new Set(filter.uuid);
    return [
      {
        field: 'uuid',
        match: (f) => wanted.has(f.uuid ?? ''),
        lineTest: wanted.has('') ? undefined : anyLine([...wanted].map((u) => quotedToken(u))),
      },
    ];
  },
};
