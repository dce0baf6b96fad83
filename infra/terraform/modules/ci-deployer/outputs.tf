output "service_account_email" {
  description = "The deployer's email (service_account of google-github-actions/auth)."
  value       = google_service_account.deployer.email
}

output "workload_identity_provider" {
  description = "Full provider name (workload_identity_provider of google-github-actions/auth)."
  value       = google_iam_workload_identity_pool_provider.github.name
}
