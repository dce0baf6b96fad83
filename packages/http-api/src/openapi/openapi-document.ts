import type { TObject } from '@sinclair/typebox';
import { IDEMPOTENCY_KEY_HEADER, MAX_IDEMPOTENCY_KEY_LENGTH } from '../idempotency/idempotency-key';
import type { AuthMode } from '../principals/principal';
import { PROBLEM_CONTENT_TYPE, Problem } from '../problem/problem';
import type { Route } from '../route/define-route';
import { problemDescription, problemStatuses } from './problem-responses';
import { type JsonSchema, SchemaComponents } from './schema-components';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  servers?: { url: string; description?: string }[];
}

export type OpenApiDocument = Record<string, unknown> & {
  openapi: '3.1.0';
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> } & Record<string, unknown>;
};

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  parameters?: Record<string, unknown>[];
  requestBody?: Record<string, unknown>;
  responses: Record<string, Record<string, unknown>>;
  security: Record<string, string[]>[];
  [key: string]: unknown;
}

export const SECURITY_SCHEMES = {
  userApiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'API key (gpk_…)',
    description: 'A user API key, sent as Authorization: Bearer gpk_…',
  },
  operatorIdToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Google identity token of an allow-listed operator',
  },
} as const;

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No Content',
  '303': 'See Other',
};

const SECURITY: Record<AuthMode, Record<string, string[]>[]> = {
  user: [{ userApiKey: [] }],
  operator: [{ operatorIdToken: [] }],
  user_or_operator: [{ userApiKey: [] }, { operatorIdToken: [] }],
  none: [],
};

const operationIdOf = (route: Route): string =>
  route.operationId ??
  `${route.method.toLowerCase()}${route.path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}`;

function parametersOf(
  schema: TObject | undefined,
  where: 'path' | 'query',
  components: SchemaComponents,
) {
  if (!schema) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => {
    const { description, ...rest } = components.use(property);
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function operationOf(route: Route, components: SchemaComponents): OpenApiOperation {
  const parameters: Record<string, unknown>[] = [
    ...parametersOf(route.params, 'path', components),
    ...parametersOf(route.query, 'query', components),
  ];
  if (route.idempotency) {
    parameters.push({
      name: IDEMPOTENCY_KEY_HEADER,
      in: 'header',
      required: route.idempotency === 'required',
      description:
        'Retries with the same key and body get the first answer again (IETF draft-ietf-httpapi-idempotency-key-header)',
      schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
    });
  }
  const headersOf = (status: string) => {
    const headers: Record<string, { description: string; schema: Record<string, unknown> }> = {};
    const declared = route.responseHeaders?.[Number(status)] ?? {};
    for (const [name, description] of Object.entries(declared)) {
      headers[name] = { description, schema: { type: 'string' } };
    }
    if (route.idempotency) {
      headers['Idempotent-Replayed'] = {
        description: '`true` when this is the stored answer of an earlier request',
        schema: { type: 'string', enum: ['true'] },
      };
    }
    return Object.keys(headers).length > 0 ? { headers } : {};
  };
  const responses: Record<string, Record<string, unknown>> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = {
      description: STATUS_TEXT[status] ?? `${status} response`,
      ...headersOf(status),
      ...(schema ? { content: { 'application/json': { schema: components.use(schema) } } } : {}),
    };
  }
  for (const status of problemStatuses(route)) {
    responses[String(status)] = { $ref: `#/components/responses/Problem${status}` };
  }
  return {
    operationId: operationIdOf(route),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.tags ? { tags: route.tags } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: components.use(route.body) } },
          },
        }
      : {}),
    responses,
    security: SECURITY[route.auth],
  };
}

/** The OpenAPI 3.1 document of an API, generated from the schemas that validate its requests. */
export function createOpenApiDocument(
  info: OpenApiInfo,
  routes: readonly Route[],
): OpenApiDocument {
  const components = new SchemaComponents();
  const paths: OpenApiDocument['paths'] = {};
  const problemStatusesUsed = new Set<number>();
  for (const route of routes) {
    const operations = paths[route.path] ?? {};
    operations[route.method.toLowerCase()] = operationOf(route, components);
    paths[route.path] = operations;
    for (const status of problemStatuses(route)) problemStatusesUsed.add(status);
  }
  const problemRef = components.use(Problem);
  const responses = Object.fromEntries(
    [...problemStatusesUsed]
      .sort((a, b) => a - b)
      .map((status) => [
        `Problem${status}`,
        {
          description: problemDescription(status),
          content: { [PROBLEM_CONTENT_TYPE]: { schema: problemRef } },
        },
      ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    ...(info.servers ? { servers: info.servers } : {}),
    paths,
    components: { schemas: components.schemas, responses, securitySchemes: SECURITY_SCHEMES },
  };
}
