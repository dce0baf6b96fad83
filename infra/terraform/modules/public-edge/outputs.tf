output "ip_address" {
  description = "Address to point every edge domain's A record at."
  value       = google_compute_global_address.edge.address
}

output "urls" {
  description = "HTTPS URL of each service behind the edge, keyed by app name."
  value       = { for name, s in var.services : name => "https://${s.domain}" }
}

output "security_policies" {
  description = "Cloud Armor policy of each service, keyed by app name."
  value       = { for name, policy in google_compute_security_policy.service : name => policy.name }
}
