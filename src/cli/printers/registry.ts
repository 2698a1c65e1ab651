/**
 * Printer registry: format names and aliases → factories. Built explicitly at the composition
 * root from `builtinPrinters` (no import side effects); duplicate names fail at construction.
 */
import { PrinterError, type OutputFormat, type Printer, type PrinterOptions } from './types.js';

/** One output format: how to build it, the names that select it and its help text. */
export interface PrinterFactory {
  /** Canonical format name. */
  readonly name: OutputFormat;
  /** Other `-o` values selecting this format (case-sensitive, as in hubble). */
  readonly aliases: readonly string[];
  /** One-line help for `--output`. */
  readonly help: string;
  /** Builds a printer; `opts.format` is this factory's name. */
  create(opts: PrinterOptions): Printer;
}

/** Lookup of printers by `-o` value. */
export class PrinterRegistry {
  readonly #byName = new Map<string, PrinterFactory>();
  readonly #factories: readonly PrinterFactory[];

  /** Throws `PrinterError` (DUPLICATE_PRINTER) when two factories claim the same name. */
  constructor(factories: readonly PrinterFactory[]) {
    this.#factories = factories;
    for (const f of factories) {
      for (const n of [f.name, ...f.aliases]) {
        if (this.#byName.has(n)) throw new PrinterError('DUPLICATE_PRINTER', `duplicate output format: ${n}`);
        this.#byName.set(n, f);
      }
    }
  }

  /** Every accepted `-o` value (canonical names and aliases), in registration order. */
  names(): string[] {
    return this.#factories.flatMap((f) => [f.name, ...f.aliases]);
  }

  /** The registered factories. */
  factories(): readonly PrinterFactory[] {
    return this.#factories;
  }

  /**
   * Resolves an `-o` value (case-sensitive) to its canonical format name.
   * Throws `PrinterError` (INVALID_OUTPUT_FORMAT, message `invalid output format: <x>`).
   *
   * @example registry.resolve('tab') === 'table'
   */
  resolve(name: string): OutputFormat {
    const f = this.#byName.get(name);
    if (f === undefined) throw new PrinterError('INVALID_OUTPUT_FORMAT', `invalid output format: ${name}`);
    return f.name;
  }

  /** Builds the printer for `opts.format` (a canonical name or alias). */
  create(opts: PrinterOptions): Printer {
    const format = this.resolve(opts.format);
    return this.#byName.get(format)!.create({ ...opts, format });
  }
}
