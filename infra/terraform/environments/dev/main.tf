module "platform" {
  source = "../../modules/platform"

  project_id            = var.project_id
  region                = var.region
  environment           = "dev"
  firestore_location_id = var.firestore_location_id
  image_tag             = var.image_tag
  image_tags            = var.image_tags
  deletion_protection   = false

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
