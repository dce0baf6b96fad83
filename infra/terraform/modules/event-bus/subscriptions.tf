resource "google_pubsub_subscription" "push" {
  for_each = local.subscriptions

  project              = var.project_id
  name                 = each.key
  topic                = google_pubsub_topic.event[each.value.topic].id
  labels               = merge(var.labels, each.value.labels, { consumer = each.value.consumer })
  ack_deadline_seconds = each.value.ack_deadline_seconds
  filter               = each.value.filter

  push_config {
    push_endpoint = "${var.cloud_run_services[each.value.service].audience}${each.value.push_path}"
    oidc_token {
      service_account_email = var.push_service_account_email
      audience              = var.cloud_run_services[each.value.service].audience
    }
  }

  # Mandatory on this bus, not optional blocks: a subscription without them could drop or hot-loop events.
  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[each.value.dead_letter_topic].id
    max_delivery_attempts = each.value.max_delivery_attempts
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

resource "google_pubsub_subscription" "archive" {
  for_each = local.archive_subscriptions

  project                    = var.project_id
  name                       = each.key
  topic                      = google_pubsub_topic.dead_letter[each.value.topic].id
  labels                     = merge(var.labels, each.value.labels, { consumer = each.value.consumer })
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = "${var.archive_retention_seconds}s"

  push_config {
    push_endpoint = "${var.cloud_run_services[each.value.service].audience}${each.value.push_path}"
    oidc_token {
      service_account_email = var.push_service_account_email
      audience              = var.cloud_run_services[each.value.service].audience
    }
  }

  retry_policy {
    minimum_backoff = "${each.value.minimum_backoff_seconds}s"
    maximum_backoff = "${each.value.maximum_backoff_seconds}s"
  }

  expiration_policy {
    ttl = ""
  }

  lifecycle {
    precondition {
      condition     = contains(keys(var.cloud_run_services), each.value.service)
      error_message = "Archive subscription ${each.key} pushes to service ${each.value.service}, which is not in cloud_run_services."
    }
    precondition {
      condition     = try(var.cloud_run_services[each.value.service].request_timeout_seconds, 0) > each.value.ack_deadline_seconds
      error_message = "Cloud Run request timeout of ${each.value.service} must exceed the ack deadline of ${each.key}."
    }
  }
}
