import { html } from 'hono/html';
import type { OpenApiDocument, OpenApiOperation } from './openapi-document';
import type { JsonSchema } from './schema-components';

const REF_PREFIX = '#/components/schemas/';
const PROBLEM_RESPONSE_PREFIX = '#/components/responses/';

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#1d232a}
h1{margin-bottom:0}h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2.5rem}
h3{margin-top:2rem}code,pre{font:13px/1.4 ui-monospace,monospace}
pre{background:#f6f8fa;padding:.6rem .8rem;overflow:auto;border-radius:4px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
.method{display:inline-block;min-width:4.5rem;font-weight:700}.GET{color:#0969da}.POST{color:#1a7f37}.PUT,.PATCH{color:#9a6700}.DELETE{color:#cf222e}
.muted{color:#59636e}`;

/** Component names a schema refers to, so the page can link to them. */
function referencedNames(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencedNames(v, into);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(REF_PREFIX)) {
        into.add(child.slice(REF_PREFIX.length));
      } else referencedNames(child, into);
    }
  }
  return into;
}

const refLinks = (schema: unknown) => {
  const names = [...referencedNames(schema)];
  return names.length
    ? html`<p class="muted">See ${names.map((n, i) => html`${i ? ', ' : ''}<a href="#schema-${n}">${n}</a>`)}</p>`
    : '';
};

const schemaBlock = (schema: JsonSchema) => {
  const ref = schema.$ref;
  if (typeof ref === 'string' && Object.keys(schema).length === 1 && ref.startsWith(REF_PREFIX)) {
    const name = ref.slice(REF_PREFIX.length);
    return html`<a href="#schema-${name}">${name}</a>`;
  }
  return html`<pre>${JSON.stringify(schema, null, 2)}</pre>${refLinks(schema)}`;
};

function operationSection(
  method: string,
  path: string,
  op: OpenApiOperation,
  problems: Record<string, { description: string }>,
) {
  const verb = method.toUpperCase();
  const auth = op.security.length
    ? op.security.map((s) => Object.keys(s).join(' + ')).join(' or ')
    : 'none';
  const params = op.parameters ?? [];
  const body = (op.requestBody?.content as Record<string, { schema: JsonSchema }> | undefined)?.[
    'application/json'
  ];
  return html`<section id="${op.operationId}">
<h3><span class="method ${verb}">${verb}</span> <code>${path}</code></h3>
<p>${op.summary}</p>${op.description ? html`<p>${op.description}</p>` : ''}
<p><strong>Authentication:</strong> ${auth}</p>
${
  params.length
    ? html`<table><tr><th>Parameter</th><th>In</th><th>Required</th><th>Schema</th></tr>${params.map(
        (p) =>
          html`<tr><td><code>${String(p.name)}</code>${p.description ? html`<br><span class="muted">${String(p.description)}</span>` : ''}</td><td>${String(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${JSON.stringify(p.schema)}</code></td></tr>`,
      )}</table>`
    : ''
}
${body ? html`<h4>Request body (application/json)</h4>${schemaBlock(body.schema)}` : ''}
<h4>Responses</h4>
<table><tr><th>Status</th><th>Description</th><th>Body</th></tr>${Object.entries(op.responses).map(
    ([status, response]) => {
      const ref = typeof response.$ref === 'string' ? response.$ref : undefined;
      if (ref?.startsWith(PROBLEM_RESPONSE_PREFIX)) {
        const problem = problems[ref.slice(PROBLEM_RESPONSE_PREFIX.length)];
        return html`<tr><td>${status}</td><td><a href="#problem-${status}">${problem?.description ?? 'problem'}</a></td><td><a href="#schema-Problem">Problem</a> (application/problem+json)</td></tr>`;
      }
      const content = response.content as Record<string, { schema: JsonSchema }> | undefined;
      const schema = content?.['application/json']?.schema;
      return html`<tr><td>${status}</td><td>${String(response.description ?? '')}</td><td>${schema ? schemaBlock(schema) : 'no body'}</td></tr>`;
    },
  )}</table>
</section>`;
}

/** A self-contained page (no scripts, no external assets) rendered from the OpenAPI document. */
export function renderDocsPage(document: OpenApiDocument) {
  const info = document.info as { title: string; version: string; description?: string };
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const responses = (document.components.responses ?? {}) as Record<
    string,
    { description: string }
  >;
  const schemes = (document.components.securitySchemes ?? {}) as Record<
    string,
    { description?: string }
  >;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${info.title} ${info.version}</title><style>${STYLE}</style></head>
<body>
<h1>${info.title}</h1><p class="muted">Version ${info.version} · <a href="openapi.json">openapi.json</a> (OpenAPI ${document.openapi})</p>
${info.description ? html`<p>${info.description}</p>` : ''}
<h2>Authentication</h2>
<ul>${Object.entries(schemes).map(([name, s]) => html`<li><code>${name}</code>: ${s.description ?? ''}</li>`)}</ul>
<h2>Operations</h2>
<ul>${operations.map(({ path, method, op }) => html`<li><a href="#${op.operationId}"><span class="method ${method.toUpperCase()}">${method.toUpperCase()}</span> <code>${path}</code></a> — ${op.summary}</li>`)}</ul>
${operations.map(({ path, method, op }) => operationSection(method, path, op, responses))}
<h2>Errors</h2>
<p>Every error is an RFC 9457 problem document (<code>application/problem+json</code>) with a stable <code>reason</code>; a bad input names its JSON pointer in <code>field</code> and <code>errors[].pointer</code>.</p>
<table><tr><th>Status</th><th>Meaning</th></tr>${Object.entries(responses).map(([name, r]) => {
    const status = name.replace('Problem', '');
    return html`<tr id="problem-${status}"><td>${status}</td><td>${r.description}</td></tr>`;
  })}</table>
<h2>Schemas</h2>
${Object.entries(document.components.schemas).map(([name, schema]) => html`<h3 id="schema-${name}">${name}</h3>${schemaBlock(schema)}`)}
</body></html>`;
}
