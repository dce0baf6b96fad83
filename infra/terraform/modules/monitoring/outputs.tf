output "alert_policies" {
  description = "Alert policy names keyed by kind, then by topic or subscription name."
  value = {
    dead_letter_inflow = { for name, policy in google_monitoring_alert_policy.dead_letter_inflow : name => policy.name }
    oldest_unacked_age = { for name, policy in google_monitoring_alert_policy.oldest_unacked_age : name => policy.name }
    push_error_ratio   = { for name, policy in google_monitoring_alert_policy.push_error_ratio : name => policy.name }
    outbox_stranded    = google_monitoring_alert_policy.outbox_stranded.name
  }
}

output "outbox_metric_type" {
  description = "Metric type of the log-based metric counting failing outbox sweeps."
  value       = local.outbox_metric
}

output "dashboard_id" {
  description = "Id of the bus dashboard."
  value       = google_monitoring_dashboard.bus.id
}
