# Alerts on every dead-letter topic and subscription of the bus, the outbox's log-based metric,
# and the bus dashboard; from the foundation apply on, so nothing runs unwatched.
module "monitoring" {
  source = "../monitoring"

  project_id                        = var.project_id
  dead_letter_topics                = var.dead_letter_topics
  subscriptions                     = var.subscriptions
  archive_subscriptions             = var.archive_subscriptions
  notification_channels             = var.alert_notification_channels
  outbox_stranded_threshold_seconds = var.outbox_stranded_threshold_seconds
  labels                            = local.labels

  depends_on = [google_project_service.enabled]
}
