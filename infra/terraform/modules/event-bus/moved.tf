# Archive subscriptions were google_pubsub_subscription.archive before both kinds became one
# resource; these keep them (and the dead letters they hold) instead of recreating them.
moved {
  from = google_pubsub_subscription.archive["provisioning-worker.dlq.archive"]
  to   = google_pubsub_subscription.push["provisioning-worker.dlq.archive"]
}

moved {
  from = google_pubsub_subscription.archive["billing-worker.dlq.archive"]
  to   = google_pubsub_subscription.push["billing-worker.dlq.archive"]
}

moved {
  from = google_pubsub_subscription.archive["notification-relay.dlq.archive"]
  to   = google_pubsub_subscription.push["notification-relay.dlq.archive"]
}

moved {
  from = google_pubsub_subscription.archive["api-read-model.dlq.archive"]
  to   = google_pubsub_subscription.push["api-read-model.dlq.archive"]
}

moved {
  from = google_pubsub_subscription.archive["billing-read-model.dlq.archive"]
  to   = google_pubsub_subscription.push["billing-read-model.dlq.archive"]
}

moved {
  from = google_pubsub_subscription.archive["ops.dlq.archive"]
  to   = google_pubsub_subscription.push["ops.dlq.archive"]
}
