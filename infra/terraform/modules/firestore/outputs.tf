output "database_name" {
  description = "Database id the apps connect to."
  value       = google_firestore_database.this.name
}

output "ttl_policies" {
  description = "TTL fields keyed by collection group, as `<collection>.<field>`."
  value       = { for collection, field in google_firestore_field.ttl : collection => "${collection}.${field.field}" }
}
