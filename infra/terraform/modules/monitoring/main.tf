locals {
  # Every push subscription of the bus, catalog rows and archives alike, keyed by name.
  subscriptions = merge(
    { for s in var.subscriptions : s.name => { consumer = s.consumer, kind = "consumer" } },
    { for s in var.archive_subscriptions : s.name => { consumer = s.consumer, kind = "archive" } },
  )
  dead_letter_topics = { for t in var.dead_letter_topics : t.name => t }

  # The line packages/eventing's outbox sweep logs (severity WARNING when some entry failed again).
  outbox_sweep_message = "outbox sweep re-drove stranded events"
  outbox_metric        = "logging.googleapis.com/user/${google_logging_metric.outbox_sweep_failed.name}"

  documentation = {
    dead_letter = "A consumer dead-lettered events: inspect them in the replay app (archive of the dead-letter topic), fix the cause, then replay (infra/README.md, replay)."
    unacked     = "Pushes to this subscription are not being acknowledged: the service is down, failing or too slow. A catalog subscription retries, then dead-letters; an archive subscription (.dlq.archive) keeps dead letters only dead_letter_retention_days."
    push_errors = "The push endpoint answers errors (5xx, 429, 4xx) or cannot be reached: check the service's logs and revisions."
    outbox      = "Some service's outbox sweep has failed to publish stranded events for longer than the threshold: events committed to Firestore are not reaching Pub/Sub (publish rights, topic, Pub/Sub outage). Logs: jsonPayload.message=\"outbox sweep re-drove stranded events\"."
  }
}

# Counts the outbox sweeps that failed to publish some stranded event, per service; the runtime
# logs the line at WARNING with `published` and `failed` whenever one failed.
resource "google_logging_metric" "outbox_sweep_failed" {
  project = var.project_id
  name    = "outbox_sweep_failed"
  filter = join(" AND ", [
    "resource.type=\"cloud_run_revision\"",
    "severity=\"WARNING\"",
    "jsonPayload.message=\"${local.outbox_sweep_message}\"",
    "jsonPayload.failed>0",
  ])

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    unit         = "1"
    display_name = "Outbox sweeps leaving stranded events"
    labels {
      key         = "service"
      value_type  = "STRING"
      description = "Cloud Run service whose sweep failed"
    }
  }

  label_extractors = {
    service = "EXTRACT(resource.labels.service_name)"
  }
}

# Dead-letter inflow: anything published to <consumer>.dlq is an event a consumer gave up on.
resource "google_monitoring_alert_policy" "dead_letter_inflow" {
  for_each = local.dead_letter_topics

  project               = var.project_id
  display_name          = "Dead letters: ${each.key}"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "ERROR"
  user_labels           = merge(var.labels, { consumer = each.value.consumer })

  conditions {
    display_name = "Messages published to ${each.key}"
    condition_threshold {
      filter          = "resource.type = \"pubsub_topic\" AND resource.labels.topic_id = \"${each.key}\" AND metric.type = \"pubsub.googleapis.com/topic/send_message_operation_count\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.dead_letter_inflow_threshold
      duration        = "0s"
      aggregations {
        alignment_period   = "${var.alignment_period_seconds}s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }

  documentation {
    content   = local.documentation.dead_letter
    mime_type = "text/markdown"
  }
}

# Oldest unacknowledged message, per subscription (archives included: replay must keep up).
resource "google_monitoring_alert_policy" "oldest_unacked_age" {
  for_each = local.subscriptions

  project               = var.project_id
  display_name          = "Oldest unacked message: ${each.key}"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "WARNING"
  user_labels           = merge(var.labels, { consumer = each.value.consumer, kind = each.value.kind })

  conditions {
    display_name = "Oldest unacked message of ${each.key} older than ${var.oldest_unacked_age_threshold_seconds}s"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${each.key}\" AND metric.type = \"pubsub.googleapis.com/subscription/oldest_unacked_message_age\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.oldest_unacked_age_threshold_seconds
      duration        = "${var.alignment_period_seconds}s"
      aggregations {
        alignment_period   = "${var.alignment_period_seconds}s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }

  documentation {
    content   = local.documentation.unacked
    mime_type = "text/markdown"
  }
}

# Share of push requests not acknowledged, per subscription: failing pushes over all pushes.
resource "google_monitoring_alert_policy" "push_error_ratio" {
  for_each = local.subscriptions

  project               = var.project_id
  display_name          = "Push errors: ${each.key}"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "WARNING"
  user_labels           = merge(var.labels, { consumer = each.value.consumer, kind = each.value.kind })

  conditions {
    display_name = "Non-ack push responses of ${each.key} above ${var.push_error_ratio_threshold * 100}%"
    condition_threshold {
      filter             = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${each.key}\" AND metric.type = \"pubsub.googleapis.com/subscription/push_request_count\" AND metric.labels.response_class != \"ack\""
      denominator_filter = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${each.key}\" AND metric.type = \"pubsub.googleapis.com/subscription/push_request_count\""
      comparison         = "COMPARISON_GT"
      threshold_value    = var.push_error_ratio_threshold
      duration           = "${var.push_error_duration_seconds}s"
      aggregations {
        alignment_period     = "${var.alignment_period_seconds}s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.subscription_id"]
      }
      denominator_aggregations {
        alignment_period     = "${var.alignment_period_seconds}s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.subscription_id"]
      }
    }
  }

  documentation {
    content   = local.documentation.push_errors
    mime_type = "text/markdown"
  }
}

# Outbox entries older than the threshold: the sweep (every minute) failed on every run for that
# long, so what it failed to publish has waited at least as long.
resource "google_monitoring_alert_policy" "outbox_stranded" {
  project               = var.project_id
  display_name          = "Outbox: events stranded over ${var.outbox_stranded_threshold_seconds}s"
  combiner              = "OR"
  notification_channels = var.notification_channels
  severity              = "ERROR"
  user_labels           = var.labels

  conditions {
    display_name = "Failing outbox sweeps for ${var.outbox_stranded_threshold_seconds}s"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"${local.outbox_metric}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "${var.outbox_stranded_threshold_seconds}s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.labels.service"]
      }
    }
  }

  documentation {
    content   = local.documentation.outbox
    mime_type = "text/markdown"
  }
}
