// vitest globalSetup: after the run, the scenarios' figures become `reliability-report.json`
// and one table.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PARTS_DIR, type ScenarioReport, table } from './workload';

const REPORT = new URL('../reliability-report.json', import.meta.url);

export default function setup(): () => void {
  rmSync(PARTS_DIR, { recursive: true, force: true });
  return () => {
    if (!existsSync(PARTS_DIR)) return;
    const scenarios = readdirSync(PARTS_DIR)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(new URL(name, PARTS_DIR), 'utf8')) as ScenarioReport)
      .sort((a, b) => a.scenario.localeCompare(b.scenario));
    if (scenarios.length === 0) return;
    const ok = scenarios.every((s) => s.lost === 0 && s.double_applied === 0);
    writeFileSync(
      REPORT,
      `${JSON.stringify({ generated_at: new Date().toISOString(), ok, scenarios }, null, 2)}\n`,
    );
    console.log(
      `\nReliability (${ok ? 'ok' : 'FAILED'}): reliability-report.json${table(scenarios)}\n`,
    );
    rmSync(PARTS_DIR, { recursive: true, force: true });
  };
}
