module "platform" {
  source = "../../modules/platform"

  project_id            = var.project_id
  region                = var.region
  environment           = "prod"
  firestore_location_id = var.firestore_location_id
  image_digests         = var.image_digests
  secret_versions       = var.secret_versions
  operator_emails       = var.operator_emails
  edge_domains          = var.edge_domains
  ci_deployer           = var.ci_deployer

  alert_notification_channels = var.alert_notification_channels
  deletion_protection         = true

  # Prod keeps 7 days of versions and two weeks of daily backups.
  firestore_point_in_time_recovery      = true
  firestore_daily_backup_retention_days = 14

  topics                = var.topics
  dead_letter_topics    = var.dead_letter_topics
  subscriptions         = var.subscriptions
  archive_subscriptions = var.archive_subscriptions

  # From services.auto.tfvars.json, generated from packages/topology/src/services/table.ts.
  services                   = var.services
  idempotency_retention_days = var.idempotency_retention_days
  dead_letter_retention_days = var.dead_letter_retention_days
  replay_window_days         = var.replay_window_days
}
