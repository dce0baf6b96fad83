output "topic_ids" {
  description = "Event topic ids (`projects/<project>/topics/<event_type>`) keyed by event type."
  value       = { for name, topic in google_pubsub_topic.event : name => topic.id }
}

output "dead_letter_topic_ids" {
  description = "Dead-letter topic ids keyed by topic name (`<consumer>.dlq`)."
  value       = { for name, topic in google_pubsub_topic.dead_letter : name => topic.id }
}

output "subscription_ids" {
  description = "Push subscription ids keyed by subscription name (`<event_type>.<consumer>`)."
  value       = { for name in keys(local.subscriptions) : name => google_pubsub_subscription.push[name].id }
}

output "archive_subscription_ids" {
  description = "Archive subscription ids keyed by subscription name (`<consumer>.dlq.archive`)."
  value       = { for name in keys(local.archive_subscriptions) : name => google_pubsub_subscription.push[name].id }
}

output "push_endpoints" {
  description = "Push URL of every subscription, archive subscriptions included, keyed by subscription name."
  value       = { for name, subscription in google_pubsub_subscription.push : name => subscription.push_config[0].push_endpoint }
}

output "pubsub_service_agent_email" {
  description = "The project's Pub/Sub service agent, granted publisher on dead-letter topics and subscriber on subscriptions."
  value       = trimprefix(local.pubsub_service_agent, "serviceAccount:")
}
