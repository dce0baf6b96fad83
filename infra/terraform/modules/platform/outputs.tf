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
