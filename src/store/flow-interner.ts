/**
 * FlowInterner: splits events and interns their four fragments (source and destination
 * endpoint, L7, rest) in reference-counted tables. The ring owns one; its `lookup` is the
 * FragmentLookup of the ring's rows.
 */
import type { Endpoint, FlowEvent, Layer7 } from '../flow/types.js';
import { isSharedEndpoint } from '../flow/json-codec.js';
import {
  F_FLOW,
  F_SUMMARY,
  l7Json,
  newSplitParts,
  restJson,
  splitScalars,
  type SplitParts,
} from './flow-split.js';
import { endpointEq, l7Eq, restEq } from './fragment-equality.js';
import { FRAGMENT_KINDS, FragmentTable } from './fragment-table.js';
import { StringTable } from './string-table.js';
import type { Attrs, EndpointAttr, L7Attr, RestAttr } from './dims.js';
import type { FragmentLookup } from './rows.js';

const always = (): boolean => true;

/** Fragment ids of the last interned event (0 = none). */
export interface FragmentIds {
  src: number;
  dst: number;
  l7: number;
  rest: number;
  /** Id in the summary table (F_SUMMARY). */
  summary: number;
}

/** Splits and interns events; see the module doc. */
export class FlowInterner {
  readonly endpoints = new FragmentTable<Endpoint, Attrs<EndpointAttr>>(FRAGMENT_KINDS.endpoint);
  readonly l7s = new FragmentTable<Layer7, Attrs<L7Attr>>(FRAGMENT_KINDS.l7);
  readonly rests = new FragmentTable<FlowEvent, Attrs<RestAttr>>(FRAGMENT_KINDS.rest);
  readonly summaries = new StringTable();
  /** Scalars of the last interned event. */
  readonly parts: SplitParts = newSplitParts();
  /** Fragment ids of the last interned event. */
  readonly ids: FragmentIds = { src: 0, dst: 0, l7: 0, rest: 0, summary: 0 };
  readonly lookup: FragmentLookup;

  // The event being interned, read by the pre-bound comparators below (no closure per flow).
  private ev: FlowEvent = {};
  private ep: Endpoint = {};
  private l7v: Layer7 = {};
  private readonly eqEp = (o: Endpoint): boolean => endpointEq(this.ep, o);
  private readonly jsonEp = (): string => JSON.stringify(this.ep);
  private readonly liveEp = (): Endpoint | undefined => (isSharedEndpoint(this.ep) ? this.ep : undefined);
  private readonly eqL7 = (o: Layer7): boolean => l7Eq(this.l7v, this.parts, o);
  private readonly jsonL7 = (): string => l7Json(this.l7v, this.parts);
  private readonly eqRest = (o: FlowEvent): boolean => restEq(this.ev, this.parts, o);
  private readonly jsonRest = (): string => restJson(this.ev, this.parts);

  constructor() {
    const { endpoints, l7s, rests, summaries } = this;
    this.lookup = {
      endpoint: (id) => endpoints.get(id),
      l7: (id) => l7s.get(id),
      rest: (id) => rests.get(id),
      summary: (id) => summaries.get(id),
    };
  }

  private endpoint(ep: Endpoint | undefined): number {
    if (!ep) return 0;
    this.ep = ep;
    return this.endpoints.intern(ep.identity, ep.ID, ep.pod_name, this.eqEp, this.jsonEp, this.liveEp);
  }

  /** Splits `ev` into `parts` and interns its fragments into `ids` (each gains a reference). */
  intern(ev: FlowEvent): void {
    const p = this.parts;
    splitScalars(ev, p);
    this.ev = ev;
    const ids = this.ids;
    const f = ev.flow;
    if (!(p.flags & F_FLOW) || !f) {
      ids.src = ids.dst = ids.l7 = ids.summary = 0;
      // Lost-event and node-status records are rare: key them by their full text.
      const json = restJson(ev, p);
      ids.rest = this.rests.intern(undefined, json, undefined, always, () => json);
      return;
    }
    ids.src = this.endpoint(f.source);
    ids.dst = this.endpoint(f.destination);
    const l7 = f.l7;
    if (l7) {
      this.l7v = l7;
      const h = l7.http;
      ids.l7 = this.l7s.intern(
        l7.type,
        l7.dns?.query ?? h?.url ?? l7.kafka?.topic,
        h?.code ?? l7.dns?.rcode,
        this.eqL7,
        this.jsonL7,
      );
    } else ids.l7 = 0;
    ids.summary = p.flags & F_SUMMARY ? this.summaries.intern(p.summary!) : 0;
    // Keyed by the addresses and a few fields that tell a conversation's flows apart (at most 5
    // rest fragments under one key in the simulator's traffic), not by the summary any more.
    const kind =
      (f.is_reply === true ? 1 : 0) | (f.Type === 'L7' ? 2 : 0) | (f.traffic_direction === 'EGRESS' ? 4 : 0);
    ids.rest = this.rests.intern(f.IP?.source, f.IP?.destination, kind, this.eqRest, this.jsonRest);
  }

  /** Releases the references of one stored event. */
  release(src: number, dst: number, l7: number, rest: number, summary: number): void {
    this.endpoints.release(src);
    this.endpoints.release(dst);
    this.l7s.release(l7);
    this.rests.release(rest);
    this.summaries.release(summary);
  }

  /** Live fragments and their JSON size (UTF-16 code units). */
  stats(): { fragments: number; fragmentChars: number } {
    const t = [this.endpoints, this.l7s, this.rests];
    return {
      fragments: t.reduce((a, x) => a + x.size, 0) + this.summaries.size,
      fragmentChars: t.reduce((a, x) => a + x.jsonChars, 0) + this.summaries.totalChars,
    };
  }
}
