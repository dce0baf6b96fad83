locals {
  # One chart: a metric filter, aligned per minute and summed (or maxed) by one label.
  chart = {
    for tile in [
      { title = "Events published per topic", filter = "metric.type=\"pubsub.googleapis.com/topic/send_message_operation_count\" resource.type=\"pubsub_topic\"", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM", by = "resource.label.\"topic_id\"" },
      { title = "Dead-letter inflow per consumer", filter = "metric.type=\"pubsub.googleapis.com/topic/send_message_operation_count\" resource.type=\"pubsub_topic\" resource.label.\"topic_id\"=monitoring.regex.full_match(\".*\\\\.dlq\")", aligner = "ALIGN_SUM", reducer = "REDUCE_SUM", by = "resource.label.\"topic_id\"" },
      { title = "Oldest unacked message age per subscription (s)", filter = "metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" resource.type=\"pubsub_subscription\"", aligner = "ALIGN_MAX", reducer = "REDUCE_MAX", by = "resource.label.\"subscription_id\"" },
      { title = "Unacked messages per subscription", filter = "metric.type=\"pubsub.googleapis.com/subscription/num_undelivered_messages\" resource.type=\"pubsub_subscription\"", aligner = "ALIGN_MAX", reducer = "REDUCE_SUM", by = "resource.label.\"subscription_id\"" },
      { title = "Push responses by class", filter = "metric.type=\"pubsub.googleapis.com/subscription/push_request_count\" resource.type=\"pubsub_subscription\"", aligner = "ALIGN_RATE", reducer = "REDUCE_SUM", by = "metric.label.\"response_class\"" },
      { title = "Failing outbox sweeps per service", filter = "metric.type=\"${local.outbox_metric}\" resource.type=\"cloud_run_revision\"", aligner = "ALIGN_SUM", reducer = "REDUCE_SUM", by = "metric.label.\"service\"" },
    ] : tile.title => tile
  }
  chart_titles = [
    "Events published per topic",
    "Dead-letter inflow per consumer",
    "Oldest unacked message age per subscription (s)",
    "Unacked messages per subscription",
    "Push responses by class",
    "Failing outbox sweeps per service",
  ]
}

# The bus at a glance: what is published, what dead-letters, what waits, how pushes answer, and
# whether the outbox keeps up.
resource "google_monitoring_dashboard" "bus" {
  project = var.project_id
  dashboard_json = jsonencode({
    displayName = var.dashboard_name
    mosaicLayout = {
      columns = 12
      tiles = [
        for index, title in local.chart_titles : {
          xPos   = (index % 2) * 6
          yPos   = floor(index / 2) * 4
          width  = 6
          height = 4
          widget = {
            title = title
            xyChart = {
              dataSets = [{
                plotType = "LINE"
                timeSeriesQuery = {
                  timeSeriesFilter = {
                    filter = local.chart[title].filter
                    aggregation = {
                      alignmentPeriod    = "60s"
                      perSeriesAligner   = local.chart[title].aligner
                      crossSeriesReducer = local.chart[title].reducer
                      groupByFields      = [local.chart[title].by]
                    }
                  }
                }
              }]
            }
          }
        }
      ]
    }
  })
}
