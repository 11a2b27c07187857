/**
 * At most this many diagnostics are reported per file, then one `too-many-errors` (as rustc
 * and tsc stop): a file of random bytes gives a readable report, and the memory the
 * diagnostics take stays bounded however long the file is.
 */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;
