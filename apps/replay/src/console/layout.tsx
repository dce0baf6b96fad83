import type { Child } from 'hono/jsx';

export const STATUS_CLASS = (status: string) => `status status-${status}`;

export function Layout(props: { title: string; operator: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false}' />
        <title>{props.title} · Dead letters</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/htmx.min.js" defer></script>
      </head>
      <body>
        <header>
          <a href="/console">
            <strong>Dead letters</strong>
          </a>
          <a href="/console/replays">Replays</a>
          <a href="/console/audit">Audit</a>
          <a href="/console/flows">Where is my event?</a>
          <span class="who">signed in as {props.operator}</span>
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

export function ErrorPage(props: {
  operator: string;
  status: number;
  detail: string;
  errors?: string[];
}) {
  return (
    <Layout title="Error" operator={props.operator}>
      <h1 class="error">
        {props.status}: {props.detail}
      </h1>
      {props.errors && props.errors.length > 0 && (
        <ul class="error" id="errors">
          {props.errors.map((error) => (
            <li>{error}</li>
          ))}
        </ul>
      )}
      <p>
        <a href="/console">Back to the dead letters</a>
      </p>
    </Layout>
  );
}
