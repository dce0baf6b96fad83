output "service_urls" {
  description = "Cloud Run URL of each app, keyed by app name."
  value       = module.platform.service_urls
}

output "image_repository" {
  description = "Where to push app images: <image_repository>/<app>:<tag>."
  value       = module.platform.image_repository
}

output "push_service_account_email" {
  description = "Service account Pub/Sub signs push tokens as."
  value       = module.platform.push_service_account_email
}

output "push_endpoints" {
  description = "Push URL of every subscription, keyed by subscription name."
  value       = module.platform.push_endpoints
}
