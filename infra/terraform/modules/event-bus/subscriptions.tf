locals {
  # Catalog rows and archives as one shape, keyed by name: optional parts are null where absent.
  push_subscriptions = merge(
    {
      for s in var.subscriptions : s.name => {
        topic                   = google_pubsub_topic.event[s.topic].id
        consumer                = s.consumer
        service                 = s.service
        push_path               = s.push_path
        labels                  = s.labels
        ack_deadline_seconds    = s.ack_deadline_seconds
        minimum_backoff_seconds = s.minimum_backoff_seconds
        maximum_backoff_seconds = s.maximum_backoff_seconds
        filter                  = s.filter == "" ? null : s.filter
        dead_letter_policy = {
          dead_letter_topic     = google_pubsub_topic.dead_letter[s.dead_letter_topic].id
          max_delivery_attempts = s.max_delivery_attempts
        }
        # Pub/Sub's default (7 days): a catalog row's undelivered events are retried, then dead-lettered.
        message_retention_duration = null
      }
    },
    {
      for s in var.archive_subscriptions : s.name => {
        topic                   = google_pubsub_topic.dead_letter[s.topic].id
        consumer                = s.consumer
        service                 = s.service
        push_path               = s.push_path
        labels                  = s.labels
        ack_deadline_seconds    = s.ack_deadline_seconds
        minimum_backoff_seconds = s.minimum_backoff_seconds
        maximum_backoff_seconds = s.maximum_backoff_seconds
        # Replays never target an archive.
        filter = null
        # Dead letters of dead letters would loop: an archive retries until the replay app takes it.
        dead_letter_policy         = null
        message_retention_duration = "${var.dead_letter_retention_days * 86400}s"
      }
    },
  )
}

# Every push subscription of the bus: one per catalog row, and one archive per dead-letter topic.
resource "google_pubsub_subscription" "push" {
  for_each = local.push_subscriptions

  project                    = var.project_id
  name                       = each.key
  topic                      = each.value.topic
  labels                     = merge(var.labels, each.value.labels, { consumer = each.value.consumer })
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  filter                     = each.value.filter
  message_retention_duration = each.value.message_retention_duration

  push_config {
    push_endpoint = "${var.cloud_run_services[each.value.service].audience}${each.value.push_path}"
    oidc_token {
      service_account_email = var.push_service_account_email
      audience              = var.cloud_run_services[each.value.service].audience
    }
  }

  dynamic "dead_letter_policy" {
    for_each = each.value.dead_letter_policy == null ? [] : [each.value.dead_letter_policy]
    content {
      dead_letter_topic     = dead_letter_policy.value.dead_letter_topic
      max_delivery_attempts = dead_letter_policy.value.max_delivery_attempts
    }
  }

  retry_policy {
    minimum_backoff = "${each.value.minimum_backoff_seconds}s"
    maximum_backoff = "${each.value.maximum_backoff_seconds}s"
  }

  # An empty ttl means never expire; the default deletes a subscription after 31 idle days.
  expiration_policy {
    ttl = ""
  }

  lifecycle {
    precondition {
      condition     = contains(keys(var.cloud_run_services), each.value.service)
      error_message = "Subscription ${each.key} pushes to service ${each.value.service}, which is not in cloud_run_services."
    }
    precondition {
      condition     = try(var.cloud_run_services[each.value.service].request_timeout_seconds, 0) > each.value.ack_deadline_seconds
      error_message = "Cloud Run request timeout of ${each.value.service} must exceed the ack deadline of ${each.key} (timeouts nest: lease < ack deadline < request timeout)."
    }
  }
}
