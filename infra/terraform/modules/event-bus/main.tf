locals {
  # Pub/Sub's service agent forwards dead letters, so it needs publish and subscribe rights.
  pubsub_service_agent = "serviceAccount:${var.pubsub_service_agent_email}"

  topics                = { for t in var.topics : t.name => t }
  dead_letter_topics    = { for t in var.dead_letter_topics : t.name => t }
  subscriptions         = { for s in var.subscriptions : s.name => s }
  archive_subscriptions = { for s in var.archive_subscriptions : s.name => s }

  push_services = toset(concat(
    [for s in var.subscriptions : s.service],
    [for s in var.archive_subscriptions : s.service],
  ))
}

resource "google_pubsub_topic" "event" {
  for_each = local.topics

  project = var.project_id
  name    = each.key
  labels  = merge(var.labels, each.value.labels)
}

resource "google_pubsub_topic" "dead_letter" {
  for_each = local.dead_letter_topics

  project = var.project_id
  name    = each.key
  labels  = merge(var.labels, each.value.labels, { consumer = each.value.consumer })
}
