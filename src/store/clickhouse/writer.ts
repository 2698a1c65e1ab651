/**
 * Turns FlowBatches into TabSeparated bodies for the ClickHouse store (pure, no I/O).
 *
 * Fragments get content-hash ids (the first 8 bytes of SHA-256 of their JSON; 0 means none), so
 * ids need no shared counter and mean the same to every writer and after a restart. A fragment
 * row is written once per day partition that has flows using it (tracked in `written`), so
 * dropping a day drops its flows and their fragments together. The TSV text of each fragment's
 * dimension columns is built once per distinct fragment, so a flow row is mostly concatenation.
 */
import { createHash } from 'node:crypto';
import { storeForm, type FlowBatch } from '../batch.js';
import { endpointAttrs, l7Attrs, restAttrs } from '../dims.js';
import type { Endpoint, FlowEvent, Layer7 } from '../../flow/types.js';
import { formatUuid } from '../uuid.js';
import { ENUMS, EP_COLS, L7_COLS, REST_COLS, tsv } from './sql.js';

type Kind = 'endpoint' | 'l7' | 'rest';

/** A fragment's id and the TSV of its dimension columns. */
interface FragInfo {
  id: string;
  seg: string;
}

/** Bodies of one batch, ready to insert (fragments first, then flows). */
export interface BatchBodies {
  fragments: Record<Kind, string>;
  flows: string;
  /** (day, kind, id) rows the fragment bodies carry: mark them written once inserted. */
  newFragments: [number, Kind, string][];
  /** Oldest and newest flow time of the batch (ns, UInt64 text). */
  minNs: string;
  maxNs: string;
}

/** The 64-bit content id of a fragment's JSON (UInt64 text, never "0"). */
export function fragmentId(json: string): string {
  const v = createHash('sha256').update(json).digest().readBigUInt64BE(0);
  return v === 0n ? '1' : v.toString();
}

const CACHE_MAX = 200_000;
const SEG_OF_NONE: Record<'endpoint' | 'l7', string> = {
  endpoint: segOf(EP_COLS, endpointAttrs(undefined) as unknown as Record<string, string>),
  l7: segOf(L7_COLS, l7Attrs(undefined) as unknown as Record<string, string>),
};

function segOf(cols: readonly string[], attrs: Record<string, string>): string {
  let s = '';
  for (let i = 0; i < cols.length; i++) {
    const v = attrs[cols[i]] ?? '';
    const allowed = ENUMS[cols[i]];
    if (allowed && !allowed.includes(v)) throw new Error(`unexpected ${cols[i]} value ${JSON.stringify(v)}`);
    s += (i ? '\t' : '') + tsv(v);
  }
  return s;
}

const DAY_TEXT = new Map<number, string>();
/** 'YYYY-MM-DD' of a day number (days since the epoch). */
export function dayText(day: number): string {
  let t = DAY_TEXT.get(day);
  if (t === undefined) {
    t = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (DAY_TEXT.size > 10_000) DAY_TEXT.clear();
    DAY_TEXT.set(day, t);
  }
  return t;
}

/** UInt64 nanosecond text of (secs, nanos). */
function ns(secs: number, nanos: number): string {
  return secs === 0 ? String(nanos) : `${secs}${String(nanos).padStart(9, '0')}`;
}

/** Builds insert bodies; keeps the fragment caches between batches. */
export class BatchEncoder {
  private readonly info: Record<Kind, Map<string, FragInfo>> = {
    endpoint: new Map(),
    l7: new Map(),
    rest: new Map(),
  };
  /** Fragment ids written per day: day -> kind+id. */
  private readonly written = new Map<number, Set<string>>();
  private writtenSize = 0;

  private frag(kind: Kind, json: string): FragInfo {
    const cache = this.info[kind];
    let f = cache.get(json);
    if (f) return f;
    if (cache.size >= CACHE_MAX) cache.clear();
    const obj = JSON.parse(json) as unknown;
    const seg =
      kind === 'endpoint'
        ? segOf(EP_COLS, endpointAttrs(obj as Endpoint) as unknown as Record<string, string>)
        : kind === 'l7'
          ? segOf(L7_COLS, l7Attrs(obj as Layer7) as unknown as Record<string, string>)
          : segOf(REST_COLS, restAttrs(obj as FlowEvent) as unknown as Record<string, string>);
    f = { id: fragmentId(json), seg };
    cache.set(json, f);
    return f;
  }

  /** Marks fragments as stored (after their insert succeeded). */
  markWritten(rows: [number, Kind, string][]): void {
    if (this.writtenSize > 4 * CACHE_MAX) {
      this.written.clear();
      this.writtenSize = 0;
    }
    for (const [day, kind, id] of rows) {
      let s = this.written.get(day);
      if (!s) this.written.set(day, (s = new Set()));
      const k = kind[0] + id;
      if (!s.has(k)) {
        s.add(k);
        this.writtenSize++;
      }
    }
  }

  /** Forgets what was written for days before `day` (their partitions were dropped). */
  forgetBefore(day: number): void {
    for (const [d, s] of this.written) {
      if (d < day) {
        this.writtenSize -= s.size;
        this.written.delete(d);
      }
    }
  }

  /** Encodes one batch. */
  encode(b: FlowBatch): BatchBodies {
    storeForm(b);
    const kinds: [Kind, string[]][] = [
      ['endpoint', b.endpoints],
      ['l7', b.l7s],
      ['rest', b.rests],
    ];
    const infos = {} as Record<Kind, (FragInfo | undefined)[]>;
    for (const [kind, list] of kinds) {
      const arr: (FragInfo | undefined)[] = [undefined];
      for (const json of list) arr.push(this.frag(kind, json));
      infos[kind] = arr;
    }
    const fragments: Record<Kind, string> = { endpoint: '', l7: '', rest: '' };
    const newFragments: [number, Kind, string][] = [];
    // Per local fragment, the last day it was checked for (most batches span one day).
    const checked: Record<Kind, Float64Array> = {
      endpoint: new Float64Array(b.endpoints.length + 1).fill(-1),
      l7: new Float64Array(b.l7s.length + 1).fill(-1),
      rest: new Float64Array(b.rests.length + 1).fill(-1),
    };
    const pending = new Set<string>();
    const need = (kind: Kind, local: number, day: number, json: string): void => {
      if (local === 0 || checked[kind][local] === day) return;
      checked[kind][local] = day;
      const f = infos[kind][local]!;
      const k = kind[0] + f.id;
      if (this.written.get(day)?.has(k)) return;
      const pk = `${day}:${k}`;
      if (pending.has(pk)) return;
      pending.add(pk);
      fragments[kind] += `${dayText(day)}\t${f.id}\t${tsv(json)}\n`;
      newFragments.push([day, kind, f.id]);
    };
    const ep = infos.endpoint;
    const l7 = infos.l7;
    const rest = infos.rest;
    const parts: string[] = [];
    let minS = Infinity;
    let minN = 0;
    let maxS = -1;
    let maxN = 0;
    for (let i = 0; i < b.count; i++) {
      const secs = b.secs[i];
      const nanos = b.nanos[i];
      if (secs < minS || (secs === minS && nanos < minN)) {
        minS = secs;
        minN = nanos;
      }
      if (secs > maxS || (secs === maxS && nanos > maxN)) {
        maxS = secs;
        maxN = nanos;
      }
      const day = Math.floor(secs / 86400);
      const s = b.src[i];
      const d = b.dst[i];
      const l = b.l7[i];
      const r = b.rest[i];
      need('endpoint', s, day, b.endpoints[s - 1]);
      need('endpoint', d, day, b.endpoints[d - 1]);
      need('l7', l, day, b.l7s[l - 1]);
      need('rest', r, day, b.rests[r - 1]);
      const rf = rest[r];
      if (!rf) throw new Error(`flow ${b.seq[i]} has no rest fragment`);
      parts.push(
        `${b.seq[i]}\t${ns(secs, nanos)}\t${b.flags[i]}\t${formatUuid(b.uuid, i * 16)}\t${s ? ep[s]!.id : '0'}\t${d ? ep[d]!.id : '0'}\t${l ? l7[l]!.id : '0'}\t${rf.id}\t${b.sport[i]}\t${b.dport[i]}\t${b.latency[i]}\t${s ? ep[s]!.seg : SEG_OF_NONE.endpoint}\t${d ? ep[d]!.seg : SEG_OF_NONE.endpoint}\t${rf.seg}\t${l ? l7[l]!.seg : SEG_OF_NONE.l7}\n`,
      );
    }
    return {
      fragments,
      flows: parts.join(''),
      newFragments,
      minNs: b.count ? ns(minS, minN) : '0',
      maxNs: b.count ? ns(maxS, maxN) : '0',
    };
  }
}
