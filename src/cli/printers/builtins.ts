/** The built-in output formats of `hubble observe`, in the order `--help` lists them. */
import { CompactPrinter } from './compact.js';
import { DictPrinter } from './dict.js';
import { JsonPrinter } from './json.js';
import type { PrinterFactory } from './registry.js';
import { TablePrinter } from './table.js';

/** compact, dict, json (alias JSON), jsonpb, table (alias tab). */
export const builtinPrinters: readonly PrinterFactory[] = [
  {
    name: 'compact',
    aliases: [],
    help: 'one line per flow: time, hosts with identities, arrow, type, verdict, summary (default)',
    create: (opts) => new CompactPrinter(opts),
  },
  {
    name: 'dict',
    aliases: [],
    help: 'one KEY: value block per flow, blocks separated by dashes',
    create: (opts) => new DictPrinter(opts),
  },
  {
    name: 'json',
    aliases: ['JSON'],
    help: 'alias of jsonpb; the bare Flow with HUBBLE_COMPAT=legacy-json-output',
    create: (opts) => new JsonPrinter(opts),
  },
  {
    name: 'jsonpb',
    aliases: [],
    help: 'one GetFlowsResponse JSON object per line',
    create: (opts) => new JsonPrinter(opts),
  },
  {
    name: 'table',
    aliases: ['tab'],
    help: 'aligned columns, written when the stream ends (not with --follow)',
    create: (opts) => new TablePrinter(opts),
  },
];
