import { parseArgs } from 'node:util';
import { Firestore } from '@google-cloud/firestore';
import { checkLedger } from './check/check-ledger';
import { formatReport } from './check/format-report';

const USAGE = `usage: ledger check --project <id> [--database <id>] [--prefix ledger_] [--max-violations 100] [--json]
  Verifies every ledger invariant at one snapshot; exits 0 when all hold, 1 on a violation, 2 on error.
  Talks to the emulator when FIRESTORE_EMULATOR_HOST is set.`;

async function main(argv: string[]): Promise<number> {
  // `pnpm <script> -- --flag` may pass the separator through.
  const args = argv.filter((arg) => arg !== '--');
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      project: { type: 'string' },
      database: { type: 'string' },
      prefix: { type: 'string' },
      'max-violations': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals[0] !== 'check') {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const projectId = values.project ?? process.env.GOOGLE_CLOUD_PROJECT;
  if (!projectId) {
    console.error(`--project is required (or GOOGLE_CLOUD_PROJECT)\n${USAGE}`);
    return 2;
  }
  const maxViolations = Number(values['max-violations'] ?? 100);
  if (!Number.isInteger(maxViolations) || maxViolations < 0) {
    console.error('--max-violations must be a non-negative integer');
    return 2;
  }
  const firestore = new Firestore({
    projectId,
    ...(values.database ? { databaseId: values.database } : {}),
    // On the emulator there are no credentials: naming the universe skips the GCE metadata probe.
    ...(process.env.FIRESTORE_EMULATOR_HOST ? { universeDomain: 'googleapis.com' } : {}),
  });
  try {
    const report = await checkLedger({
      firestore,
      maxViolations,
      ...(values.prefix !== undefined ? { collectionPrefix: values.prefix } : {}),
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  } finally {
    await firestore.terminate();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`ledger check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
