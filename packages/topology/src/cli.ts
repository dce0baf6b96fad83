import { runCli } from './run-cli';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // One line: TopologyError messages already say what to fix.
    console.error(`topology: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
