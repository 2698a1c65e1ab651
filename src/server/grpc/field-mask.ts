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

function apply(obj: Record<string, unknown>, tree: MaskTree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in tree) {
    const v = obj[k];
    if (v === undefined) continue;
    const sub = tree[k];
    if (sub === true) out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map((e) => apply(e as Record<string, unknown>, sub));
    else if (typeof v === 'object' && v !== null) out[k] = apply(v as Record<string, unknown>, sub);
  }
  return out;
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
  const tree = build(ps);
  return (ev) => {
    if (!ev.flow) return ev;
    const flow = apply(ev.flow as Record<string, unknown>, tree) as Flow;
    const out: FlowEvent = { flow };
    if (flow.node_name) out.node_name = flow.node_name;
    if (flow.time) out.time = flow.time;
    return out;
  };
}
