import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** htmx from its npm package, served by the app itself: the network is closed, no CDN. */
export const HTMX = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8');

export const CONSOLE_CSS = `
*{box-sizing:border-box}body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:baseline}
header a{color:#fff;text-decoration:none}header .who{margin-left:auto;opacity:.8}
main{padding:16px 20px;max-width:1400px}h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:18px 0 8px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{background:#eef0f3;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;background:#fff;padding:10px;margin-bottom:12px}
label{display:flex;flex-direction:column;font-size:12px;color:#555}input,select,textarea{font:inherit;padding:4px 6px}
textarea{width:100%;min-height:220px;font-family:ui-monospace,monospace;font-size:12px}
button{font:inherit;padding:5px 12px;cursor:pointer;border:1px solid #2d5bd7;background:#2d5bd7;color:#fff;border-radius:3px}
button.secondary{background:#fff;color:#2d5bd7}button.danger{background:#b3261e;border-color:#b3261e}
.status{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;background:#e3e6ea}
.status-parked{background:#fde7c2}.status-replayed,.status-completed{background:#cdeccf}.status-discarded,.status-cancelled{background:#ddd}
.status-replaying,.status-running,.status-cancelling{background:#cfe0ff}.status-failed{background:#f7c7c3}
.status-applied{background:#cdeccf}.status-duplicate,.status-not_yet_delivered{background:#ddd}.status-in_progress{background:#cfe0ff}.status-dead_lettered{background:#f7c7c3}
pre{background:#fff;padding:10px;overflow:auto;max-height:480px;border:1px solid #e3e6ea}
.card{background:#fff;padding:12px;margin:10px 0;border:1px solid #e3e6ea}.error{color:#b3261e}.ok{color:#1e7b34}
.bar{width:100%;height:14px;margin:6px 0;accent-color:#2d5bd7}
dl{display:grid;grid-template-columns:180px 1fr;gap:4px 12px;margin:0}dt{color:#555}dd{margin:0;word-break:break-all}
.actions{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}
`;
