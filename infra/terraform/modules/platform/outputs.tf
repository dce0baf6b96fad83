output "service_urls" {
  description = "Cloud Run URL of each app, keyed by app name."
  value       = { for name, service in module.service : name => service.uri }
}

output "image_repository" {
  description = "Prefix of the app images: <image_repository>/<app>:<tag>."
  value       = local.image_base
}

output "push_service_account_email" {
  description = "Service account Pub/Sub signs push tokens as."
  value       = google_service_account.push.email
}

output "topic_ids" {
  description = "Event topic ids keyed by event type."
  value       = module.event_bus.topic_ids
}

output "dead_letter_topic_ids" {
  description = "Dead-letter topic ids keyed by name."
  value       = module.event_bus.dead_letter_topic_ids
}

output "push_endpoints" {
  description = "Push URL of every subscription, keyed by subscription name."
  value       = module.event_bus.push_endpoints
}

output "secret_ids" {
  description = "Secret Manager secrets the apps read, keyed by secret id, with the services bound as accessors."
  value       = { for id, secret in google_secret_manager_secret.app : id => { name = secret.name, readers = local.secret_readers[id] } }
}

output "publish_topics" {
  description = "Topics each runtime account may publish to, keyed by app name."
  value       = { for name, service in module.service : name => service.publish_topics }
}

output "pubsub_service_agent_email" {
  description = "The project's Pub/Sub service agent (created before the grants that name it)."
  value       = google_project_service_identity.pubsub.email
}

output "edge_ip_address" {
  description = "Address the edge domains' A records point at; null without an edge."
  value       = one(module.public_edge[*].ip_address)
}

output "edge_urls" {
  description = "HTTPS URL of each service behind the edge; empty without one."
  value       = try(module.public_edge[0].urls, {})
}

output "ci_deployer" {
  description = "What the CI workflow authenticates with (google-github-actions/auth): workload_identity_provider and service_account; null without a deployer."
  value = try({
    workload_identity_provider = module.ci_deployer[0].workload_identity_provider
    service_account            = module.ci_deployer[0].service_account_email
  }, null)
}

output "alert_policies" {
  description = "The bus alert policies, keyed by kind, then by topic or subscription."
  value       = module.monitoring.alert_policies
}
