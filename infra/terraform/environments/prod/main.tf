module "platform" {
  source = "../../modules/platform"

  project_id            = var.project_id
  region                = var.region
  environment           = "prod"
  firestore_location_id = var.firestore_location_id
  image_tag             = var.image_tag
  image_tags            = var.image_tags
  deletion_protection   = true

  topics                = var.topics
  dead_letter_topics    = var.dead_letter_topics
  subscriptions         = var.subscriptions
  archive_subscriptions = var.archive_subscriptions

  # Request timeouts stay at 300 s, above every ack deadline (60 s) and consumer lease (30 s).
  services = {
    orchestrator = {
      # Public API; it also hosts the api-read-model consumer.
      ingress               = "INGRESS_TRAFFIC_ALL"
      allow_unauthenticated = true
      min_instance_count    = 1
      max_instance_count    = 20
    }
    provisioning-worker = {
      min_instance_count = 1
      max_instance_count = 20
    }
    billing-worker = {
      # Also hosts the billing-read-model consumer.
      min_instance_count = 1
      max_instance_count = 20
    }
    payments = {
      # Stripe calls the webhook from the internet; the app verifies its signature.
      ingress               = "INGRESS_TRAFFIC_ALL"
      allow_unauthenticated = true
      min_instance_count    = 1
      max_instance_count    = 20
      secret_env = {
        STRIPE_SECRET_KEY     = { secret = "stripe-secret-key" }
        STRIPE_WEBHOOK_SECRET = { secret = "stripe-webhook-secret" }
      }
    }
    notification-relay = {
      # Also hosts the ops consumer, whose push app is mounted under /ops.
      min_instance_count = 1
      max_instance_count = 20
    }
    replay = {
      # Operators reach the archive page with run.invoker (gcloud run services proxy).
      ingress            = "INGRESS_TRAFFIC_ALL"
      min_instance_count = 0
      max_instance_count = 2
    }
  }
}
