/** @omnithread/cli — the `omnithread` command, also usable as a library. */
export { type CliIo, runCli, USAGE } from './cli.js';
export { type DemoOptions, type DemoReady, JOURNEY_PATH, runDemo } from './commands/demo.js';
export { expandPaths, type ImportSummary, importFiles } from './commands/import.js';
export { loadDotEnv, runServe, type ServeOptions } from './commands/serve.js';
export { printThreads } from './commands/threads.js';
export { importerFor, jsonLinesImporter, loadImporters } from './formats.js';
export { formatThread, type ThreadLine, threadLines } from './output.js';
export { DEFAULT_STORE, openStoreSpec } from './store.js';
