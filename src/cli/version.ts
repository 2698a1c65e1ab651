/** The flowlens version, reported by --version, ServerStatus and the UI. */
export const VERSION = '0.1.0';
