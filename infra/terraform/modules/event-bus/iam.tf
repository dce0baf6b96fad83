resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = local.dead_letter_topics

  project = var.project_id
  topic   = google_pubsub_topic.dead_letter[each.key].name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

# Lets the service agent acknowledge the message it has just forwarded to the dead-letter topic.
resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = local.subscriptions

  project      = var.project_id
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

resource "google_cloud_run_v2_service_iam_member" "push_invoker" {
  for_each = local.push_services

  project  = var.project_id
  location = var.cloud_run_services[each.key].location
  name     = each.key
  role     = "roles/run.invoker"
  member   = "serviceAccount:${var.push_service_account_email}"
}

# Pub/Sub mints the push OIDC tokens as the push service account.
resource "google_service_account_iam_member" "service_agent_token_creator" {
  service_account_id = "projects/${var.project_id}/serviceAccounts/${var.push_service_account_email}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}
