/** Report printers: `text` for terminals, `markdown` for tickets and chat, `json` for tools. */
import type { DiagnosisReport } from '../types.js';
import { formatJson } from './json.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';

/** The output formats of `flowlens diagnose -o`. */
export type ReportFormat = 'text' | 'json' | 'markdown';

/** Every report format, for help texts and validation. */
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'markdown'];

/** Renders a report. `color` adds ANSI colours to the text format. */
export function formatReport(
  report: DiagnosisReport,
  format: ReportFormat,
  options: { color?: boolean; width?: number } = {},
): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'markdown':
      return formatMarkdown(report);
    case 'text':
      return formatText(report, options);
  }
}

export { canonicalReport } from './json.js';
