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

output "secret_ids" {
  description = "Secrets the apps read, with the services bound as accessors: add their versions, then pin them in secret_versions."
  value       = module.platform.secret_ids
}

output "edge_ip_address" {
  description = "Address the edge domains' DNS A records point at (null without edge_domains)."
  value       = module.platform.edge_ip_address
}

output "edge_urls" {
  description = "HTTPS URL of each service behind the edge."
  value       = module.platform.edge_urls
}

output "ci_deployer" {
  description = "workload_identity_provider and service_account for the CI's google-github-actions/auth step."
  value       = module.platform.ci_deployer
}
