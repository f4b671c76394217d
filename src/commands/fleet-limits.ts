/** The fleet commands' limits, in a module of their own so that the CLI's flag declarations can name them without loading an engine client. */
export const DEFAULT_CONCURRENCY = 8;
/** `--concurrency` and the library's `concurrency` take 1 to this. */
export const MAX_CONCURRENCY = 64;
/** `--timeout`'s default: seconds for one container, rollback excluded. */
export const DEFAULT_TIMEOUT_SECONDS = 300;
