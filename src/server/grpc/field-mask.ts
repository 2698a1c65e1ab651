/**
 * GetFlowsRequest.field_mask (and v0.12.3's experimental.field_mask): keep only the listed Flow
 * paths (proto names, dotted). Paths are validated against the Flow descriptor once per request.
 */
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import type { Flow, FlowEvent } from '../../flow/index.js';
import { FlowSchema } from '../../gen/flow/flow_pb.js';

/** A tree of selected fields; `true` keeps the whole sub-tree. */
type MaskTree = { [field: string]: MaskTree | true };

/** An invalid mask path. */
export class FieldMaskError extends Error {
  readonly code = 'FIELD_MASK_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'FieldMaskError';
  }
}

function validate(desc: DescMessage, path: string): void {
  let d: DescMessage | undefined = desc;
  for (const part of path.split('.')) {
    if (!d)
      throw new FieldMaskError(
        `invalid field mask: ${JSON.stringify(path)} descends into a non-message field`,
      );
    const f: DescField | undefined = d.fields.find((x) => x.name === part);
    if (!f)
      throw new FieldMaskError(`invalid field mask: ${JSON.stringify(path)} is not a path of flow.Flow`);
    d = f.fieldKind === 'message' ? f.message : undefined;
  }
}

function build(paths: string[]): MaskTree {
  const root: MaskTree = {};
  for (const p of paths) {
    let node = root;
    const parts = p.split('.');
    for (let i = 0; i < parts.length; i++) {
      const k = parts[i];
      if (node[k] === true) break;
      if (i === parts.length - 1) node[k] = true;
      else node = (node[k] ??= {}) as MaskTree;
    }
  }
  return root;
}

/** Copies the masked part of one message (in its in-memory shape). */
type Copier = (obj: Record<string, unknown> | undefined) => Record<string, unknown>;

/**
 * Compiles a mask tree over a message type. As Hubble's fieldmask.Copy does, a listed field is
 * copied when set, and every message on the path to a listed sub-field is always present (so a
 * flow without `source` masked with `source.namespace` gets `source: {}`), except a member of a
 * oneof (`l4.TCP`, `l7.http`), which appears only when it is the member the flow has.
 */
function compileTree(desc: DescMessage, tree: MaskTree): Copier {
  const entries = Object.keys(tree).map((k) => {
    const sub = tree[k];
    const f = desc.fields.find((x) => x.name === k)!;
    // Well-known types (Timestamp, wrappers) are scalars in the in-memory shape: a path into
    // one (`time.seconds`) keeps the whole value.
    const wkt = f.message?.typeName.startsWith('google.protobuf.') === true;
    return {
      k,
      leaf: sub === true || wkt,
      oneof: f.oneof !== undefined,
      copy: sub === true || wkt ? undefined : compileTree(f.message!, sub),
    };
  });
  return (obj) => {
    const out: Record<string, unknown> = {};
    for (const e of entries) {
      const v = obj?.[e.k];
      if (e.leaf) {
        if (v !== undefined) out[e.k] = v;
      } else if (typeof v === 'object' && v !== null) {
        out[e.k] = e.copy!(v as Record<string, unknown>);
      } else if (!e.oneof) {
        out[e.k] = e.copy!(undefined);
      }
    }
    return out;
  };
}

/** A compiled mask: returns the masked copy of an event (flows only; other events pass). */
export type EventMask = (ev: FlowEvent) => FlowEvent;

/**
 * Compiles mask paths (empty strings ignored). Returns undefined when no path is given.
 * Like Hubble, a masked response takes `node_name` and `time` from the masked flow, so they
 * are empty unless the mask keeps them.
 */
export function compileFieldMask(paths: string[]): EventMask | undefined {
  const ps = paths.map((p) => p.trim()).filter((p) => p !== '');
  if (ps.length === 0) return undefined;
  for (const p of ps) validate(FlowSchema, p);
  const copy = compileTree(FlowSchema, build(ps));
  return (ev) => {
    if (!ev.flow) return ev;
    const flow = copy(ev.flow as Record<string, unknown>) as Flow;
    const out: FlowEvent = { flow };
    if (flow.node_name) out.node_name = flow.node_name;
    if (flow.time) out.time = flow.time;
    return out;
  };
}
