export {
  archiveSubscriptionName,
  deadLetterTopicName,
  pushPath,
  replayFilter,
  subscriptionName,
  topicName,
} from './bus-names';
export type { Catalog, EventType, PayloadOf, PayloadOfVersion } from './catalog';
export { catalog, EVENT_TYPES, isEventType } from './catalog';
export type { CatalogEntry, PayloadVersions, Upcaster } from './catalog-entry';
export { defineEvent } from './catalog-entry';
export {
  idempotencyKeyOf,
  idempotencyKeyParts,
  latestVersion,
  supportedMajors,
} from './catalog-queries';
export { checkCompat } from './compat/check-compat';
export type { CompatFinding, CompatFindingKind } from './compat/compat-finding';
export { diffSchemas } from './compat/schema-diff';
export type { ContractIssue, ParseErrorCode } from './contract-error';
export { ContractError } from './contract-error';
export type { CreateEnvelopeOptions } from './create-envelope';
export { createEnvelope } from './create-envelope';
export { CorrelationId, Envelope, eventSchema } from './envelope';
export { EVENT_NAME_PATTERN, isValidEventName } from './event-name';
export type { AnyEvent, EventOf } from './event-of';
export { isEventOf } from './event-of';
export { examples } from './examples';
export { canonicalTimestamp, formats, isRfc3339Utc, isUuid } from './formats';
export type { SchemaFileSet } from './json-schema/schema-files';
export { buildSchemaFiles, eventSchemaFile } from './json-schema/schema-files';
export type {
  ParseEnvelope,
  ParseEnvelopeOptions,
  ParseResult,
  SentPayload,
} from './parse-envelope';
export { createEnvelopeParser, parseEnvelope } from './parse-envelope';
export type { ConsumerName, ProducerName } from './participants';
export { CONSUMERS, PRODUCERS } from './participants';
export type { PayloadFingerprint } from './payload-fingerprint';
export {
  createPayloadFingerprint,
  MAX_FINGERPRINT_DEPTH,
  payloadFingerprint,
} from './payload-fingerprint';
export * from './payloads/index';
export {
  Count,
  Currency,
  Identifier,
  Micros,
  Money,
  Rfc3339Utc,
  Sha256Hex,
  StringEnum,
  Uuid,
} from './primitives';
export { upcastPayload, upcastTarget } from './upcast';
export { validatePayload } from './validate-payload';
export type { VersionParts } from './version';
export { compareVersions, parseVersion, VERSION_PATTERN } from './version';
