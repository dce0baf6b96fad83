export type CompatFindingKind =
  // changes a new minor may not make (diffSchemas)
  | 'field_removed'
  | 'required_field_added'
  | 'field_became_required'
  | 'field_became_optional'
  | 'type_changed'
  | 'enum_narrowed'
  | 'enum_widened'
  | 'const_changed'
  | 'format_changed'
  | 'pattern_changed'
  | 'constraint_changed'
  | 'additional_properties_tightened'
  | 'additional_properties_loosened'
  | 'field_added_to_closed_object'
  | 'keyword_changed'
  // rules over the committed snapshots (checkCompat)
  | 'published_schema_changed'
  | 'version_removed'
  | 'idempotency_key_changed';

/** One incompatibility; `path` points at the data (`/payload/gpu_count`, `/*` for list items, `/0` for a tuple's first). */
export interface CompatFinding {
  path: string;
  kind: CompatFindingKind;
  detail: string;
}
