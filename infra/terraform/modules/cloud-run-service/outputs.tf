output "name" {
  description = "Service name."
  value       = google_cloud_run_v2_service.this.name
}

output "location" {
  description = "Region the service runs in."
  value       = google_cloud_run_v2_service.this.location
}

output "uri" {
  description = "HTTPS URL Cloud Run serves the service on."
  value       = google_cloud_run_v2_service.this.uri
}

output "audience" {
  description = "Deterministic service URL used as the push OIDC token audience (also PUSH_AUDIENCE in the container)."
  value       = local.audience
}

output "request_timeout_seconds" {
  description = "Request timeout in seconds, for checks against subscription ack deadlines."
  value       = var.request_timeout_seconds
}

output "service_account_email" {
  description = "Runtime service account of the service."
  value       = google_service_account.runtime.email
}

output "service_account_member" {
  description = "IAM member of the runtime service account (serviceAccount:<email>)."
  value       = google_service_account.runtime.member
}

output "publish_topics" {
  description = "Topics the runtime account may publish to."
  value       = sort([for grant in google_pubsub_topic_iam_member.publisher : grant.topic])
}
output "service_account_id" {
  description = "Fully qualified id of the runtime service account (projects/<project>/serviceAccounts/<email>)."
  value       = google_service_account.runtime.name
}
